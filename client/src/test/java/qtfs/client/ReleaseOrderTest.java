package qtfs.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Lock requests wait for earlier RELEASEs of their node, and only of their node. */
class ReleaseOrderTest {
    private final ReleaseOrder order = new ReleaseOrder();

    private CompletableFuture<Void> lockRequest(long nodeid) {
        return CompletableFuture.runAsync(() -> {
            try {
                order.awaitReleasesOf(nodeid);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofPlatform().start(r));
    }

    @Test
    void aLockRequestWaitsForTheReleasesOfItsNode() throws Exception {
        order.sent(10, 7);
        order.sent(12, 7);
        order.sent(14, 8);
        lockRequest(9).get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> waiting = lockRequest(7);
        order.answered(14);
        order.answered(10);
        order.answered(99);   // not a release
        assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS));
        order.answered(12);
        waiting.get(5, TimeUnit.SECONDS);
        lockRequest(8).get(5, TimeUnit.SECONDS);
    }
}
