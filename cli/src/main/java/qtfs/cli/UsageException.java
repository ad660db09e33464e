package qtfs.cli;

/**
 * The command line or a configuration file asks for something that cannot be done as
 * written. The message names the option or setting and the bad value; the program exits
 * with {@link ExitStatus#USAGE}.
 */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
