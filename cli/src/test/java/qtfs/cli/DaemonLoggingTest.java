package qtfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DaemonLoggingTest {
    final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    final PrintStream stderr = new PrintStream(captured, true, StandardCharsets.UTF_8);

    @AfterEach
    void restore() {
        DaemonLogging.install("test", LogLevel.INFO, System.err);
    }

    String output() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void formatsOneLinePerRecord() {
        LogRecord record = new LogRecord(Level.WARNING, "peer {0} went away");
        record.setParameters(new Object[] {"unix:/run/qtfs/qtfsd.sock"});
        record.setInstant(Instant.parse("2026-11-27T16:00:00.123Z"));
        assertEquals("2026-11-27T16:00:00.123Z WARNING qtfsd: peer unix:/run/qtfs/qtfsd.sock went away\n",
                new OneLineFormatter("qtfsd", () -> false).format(record));
        record.setInstant(Instant.parse("2026-11-27T16:00:00Z"));
        record.setThrown(new IOException("read failed", new IllegalStateException("closed")));
        assertEquals("2026-11-27T16:00:00.000Z WARNING qtfsd: peer unix:/run/qtfs/qtfsd.sock went away: "
                        + "java.io.IOException: read failed; caused by java.lang.IllegalStateException: closed\n",
                new OneLineFormatter("qtfsd", () -> false).format(record));
        String withTrace = new OneLineFormatter("qtfsd", () -> true).format(record);
        assertTrue(withTrace.contains("\tat "), "stack trace at DEBUG");
    }

    @Test
    void levelNamesAreThoseOfSystemLogger() {
        assertEquals("ERROR", OneLineFormatter.levelName(Level.SEVERE));
        assertEquals("WARNING", OneLineFormatter.levelName(Level.WARNING));
        assertEquals("INFO", OneLineFormatter.levelName(Level.INFO));
        assertEquals("DEBUG", OneLineFormatter.levelName(Level.FINE));
        assertEquals("TRACE", OneLineFormatter.levelName(Level.FINER));
    }

    @Test
    void systemLoggerMessagesGoToStderrAtTheChosenLevelWhichCanChangeAtRunTime() {
        DaemonLogging.install("qtfsd", LogLevel.WARN, stderr);
        System.Logger log = System.getLogger("qtfs.test.Component");
        log.log(System.Logger.Level.INFO, "not shown");
        log.log(System.Logger.Level.WARNING, "shown {0}", 1);
        assertTrue(output().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARNING qtfsd: shown 1\n"),
                output());
        DaemonLogging.setLevel(LogLevel.DEBUG);
        assertEquals(LogLevel.DEBUG, DaemonLogging.level());
        log.log(System.Logger.Level.DEBUG, "now debug");
        assertTrue(output().contains(" DEBUG qtfsd: now debug\n"), output());
        DaemonLogging.setLevel(LogLevel.ERROR);
        log.log(System.Logger.Level.WARNING, "quiet again");
        log.log(System.Logger.Level.ERROR, "failed");
        assertFalse(output().contains("quiet again"));
        assertTrue(output().contains(" ERROR qtfsd: failed\n"));
    }

    @Test
    void logLevelNames() {
        assertEquals(LogLevel.WARN, LogLevel.parse("warning"));
        assertEquals(LogLevel.DEBUG, LogLevel.parse(" Debug "));
        assertEquals("ERROR, WARN, INFO, DEBUG", LogLevel.names());
    }

    @Test
    void messagesLoggedByShutdownHooksAreKept() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ShutdownLoggingProbe.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not exit");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> lines = out.lines().toList();
        assertEquals(2, lines.size(), out);
        assertTrue(lines.get(0).endsWith(" INFO probe: started"), out);
        assertTrue(lines.get(1).endsWith(" INFO probe: logged from a shutdown hook"), out);
    }
}
