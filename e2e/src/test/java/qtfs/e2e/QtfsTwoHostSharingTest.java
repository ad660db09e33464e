package qtfs.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;
import qtfs.e2e.harness.MountedFileSystem;
import qtfs.e2e.harness.TwoHostTlsFixture;

/** Sharing between a qtfs client in one network namespace and processes on the server, whose qtfsd runs in another, over TLS. */
class QtfsTwoHostSharingTest extends SharingSuite {
    @RegisterExtension
    static final TwoHostTlsFixture TWO_HOSTS = TwoHostTlsFixture.standard();

    @Override
    protected MountedFileSystem fileSystem() {
        return TWO_HOSTS;
    }
}
