package qtfs.e2e.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A program from the host that the tests run, with the Debian package that provides it. Tools
 * are looked up in the system directories only (not a personal PATH), because unprivileged test
 * users must be able to run them too. A missing tool fails the test and names the package.
 */
public enum HostTool {
    PYTHON3("python3", "python3"),
    SETPRIV("setpriv", "util-linux"),
    UMOUNT("umount", "mount"),
    MOUNT("mount", "mount"),
    RM("rm", "coreutils"),
    CP("cp", "coreutils"),
    CHMOD("chmod", "coreutils"),
    MKFIFO("mkfifo", "coreutils"),
    TOUCH("touch", "coreutils"),
    SHA256SUM("sha256sum", "coreutils"),
    FIND("find", "findutils"),
    TAR("tar", "tar"),
    GIT("git", "git"),
    SQLITE3("sqlite3", "sqlite3"),
    RSYNC("rsync", "rsync"),
    GETFATTR("getfattr", "attr"),
    GETFACL("getfacl", "acl"),
    SETFACL("setfacl", "acl"),
    GCC("gcc", "gcc"),
    MAKE("make", "make"),
    AR("ar", "binutils"),
    BINDFS("bindfs", "bindfs"),
    DF("df", "coreutils"),
    LSATTR("lsattr", "e2fsprogs"),
    CHATTR("chattr", "e2fsprogs");

    /** Where Debian packages install programs; also the PATH given to every command the tests run. */
    public static final List<Path> SYSTEM_DIRS = List.of(Path.of("/usr/local/sbin"), Path.of("/usr/local/bin"),
            Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/sbin"), Path.of("/bin"));
    public static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public final String program;
    public final String debianPackage;

    HostTool(String program, String debianPackage) {
        this.program = program;
        this.debianPackage = debianPackage;
    }

    /** The program's absolute path; fails the calling test if it is not installed. */
    public String path() {
        for (Path dir : SYSTEM_DIRS) {
            Path candidate = dir.resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError("the end-to-end tests need the program '" + program + "', which is not installed in "
                + SYSTEM_PATH + ": install the Debian package '" + debianPackage + "' (apt-get install -y "
                + debianPackage + ")");
    }
}
