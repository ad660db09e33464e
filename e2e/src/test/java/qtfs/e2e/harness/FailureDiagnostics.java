package qtfs.e2e.harness;

/**
 * Attached (as a suppressed exception) to a failing test's exception, so that the report shows
 * the logs of the daemons behind the mount next to the failure.
 */
public final class FailureDiagnostics extends Exception {
    public FailureDiagnostics(String diagnostics) {
        super("logs of the processes behind the mount:\n" + diagnostics, null, false, false);
    }

    public static Throwable attach(Throwable failure, String diagnostics) {
        failure.addSuppressed(new FailureDiagnostics(diagnostics));
        return failure;
    }
}
