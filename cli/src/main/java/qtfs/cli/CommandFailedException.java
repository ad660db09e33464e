package qtfs.cli;

/**
 * A command was understood but could not be carried out; the message says what and why.
 * The program exits with {@link ExitStatus#FAILURE}.
 */
public final class CommandFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public CommandFailedException(String message) {
        super(message);
    }
}
