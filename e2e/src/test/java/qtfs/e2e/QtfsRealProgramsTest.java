package qtfs.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;
import qtfs.e2e.harness.MountedFileSystem;
import qtfs.e2e.harness.QtfsFixture;

/** Real programs with their work on a qtfs mount. */
class QtfsRealProgramsTest extends RealProgramsSuite {
    @RegisterExtension
    static final QtfsFixture QTFS = QtfsFixture.singleExport();

    @Override
    protected MountedFileSystem fileSystem() {
        return QTFS;
    }
}
