package qtfs.sys;

/** The few ABI values that differ between the two architectures qtfs runs on. */
public enum Arch {
    X86_64(040000, 0200000, 0400000, 0100000),
    AARCH64(0200000, 040000, 0100000, 0400000);

    private final int oDirect, oDirectory, oNofollow, oLargefile;

    Arch(int oDirect, int oDirectory, int oNofollow, int oLargefile) {
        this.oDirect = oDirect;
        this.oDirectory = oDirectory;
        this.oNofollow = oNofollow;
        this.oLargefile = oLargefile;
    }

    public int oDirect() { return oDirect; }
    public int oDirectory() { return oDirectory; }
    public int oNofollow() { return oNofollow; }
    public int oLargefile() { return oLargefile; }

    private static final Arch CURRENT = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> X86_64;
        case "aarch64", "arm64" -> AARCH64;
        default -> throw new ExceptionInInitializerError("qtfs supports x86_64 and aarch64, not " + System.getProperty("os.arch"));
    };

    public static Arch current() { return CURRENT; }
}
