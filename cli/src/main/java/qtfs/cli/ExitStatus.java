package qtfs.cli;

/** Exit statuses shared by every qtfs command. */
public final class ExitStatus {
    /** Done as asked. */
    public static final int OK = 0;
    /** The request was understood but failed at run time (server unreachable, mount refused, ...). */
    public static final int FAILURE = 1;
    /** Bad command line or configuration: nothing was attempted. */
    public static final int USAGE = 2;

    private ExitStatus() {
    }
}
