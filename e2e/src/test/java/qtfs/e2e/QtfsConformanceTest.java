package qtfs.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;
import qtfs.e2e.harness.MountedFileSystem;
import qtfs.e2e.harness.QtfsFixture;

/** Every probe scenario on a qtfs mount, compared with the same scenario on a local directory. */
class QtfsConformanceTest extends ConformanceSuite {
    @RegisterExtension
    static final QtfsFixture QTFS = QtfsFixture.singleExport();

    @Override
    protected MountedFileSystem fileSystem() {
        return QTFS;
    }
}
