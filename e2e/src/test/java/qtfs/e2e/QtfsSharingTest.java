package qtfs.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;
import qtfs.e2e.harness.MountedFileSystem;
import qtfs.e2e.harness.QtfsFixture;

/** Sharing between a qtfs client and processes on the server, through one export. */
class QtfsSharingTest extends SharingSuite {
    @RegisterExtension
    static final QtfsFixture QTFS = QtfsFixture.singleExport();

    @Override
    protected MountedFileSystem fileSystem() {
        return QTFS;
    }
}
