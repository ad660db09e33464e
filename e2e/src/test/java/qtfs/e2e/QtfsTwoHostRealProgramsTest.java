package qtfs.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;
import qtfs.e2e.harness.MountedFileSystem;
import qtfs.e2e.harness.TwoHostTlsFixture;

/** Real programs with their work on a qtfs mount served from another network namespace over TLS. */
class QtfsTwoHostRealProgramsTest extends RealProgramsSuite {
    @RegisterExtension
    static final TwoHostTlsFixture TWO_HOSTS = TwoHostTlsFixture.standard();

    @Override
    protected MountedFileSystem fileSystem() {
        return TWO_HOSTS;
    }
}
