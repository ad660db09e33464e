package qtfs.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;
import qtfs.e2e.harness.MountedFileSystem;
import qtfs.e2e.harness.TwoHostTlsFixture;

/** Every probe scenario on a qtfs mount whose server is another network namespace, over TLS and veth, compared with the same scenario on a local directory. */
class QtfsTwoHostConformanceTest extends ConformanceSuite {
    @RegisterExtension
    static final TwoHostTlsFixture TWO_HOSTS = TwoHostTlsFixture.standard();

    @Override
    protected MountedFileSystem fileSystem() {
        return TWO_HOSTS;
    }
}
