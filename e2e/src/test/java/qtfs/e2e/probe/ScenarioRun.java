package qtfs.e2e.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import qtfs.e2e.harness.UnixUser;

/** One scenario as one user: the unit that is run locally and on a mount, then compared. */
public record ScenarioRun(Scenario scenario, UnixUser user) {

    /** A fresh directory for this run under parent (named after it), mode 0755, owned by the user. */
    public Path prepareDirectory(Path parent) {
        String name = scenario.name() + "-" + user.name();
        Path dir = parent.resolve(name);
        for (int n = 2; Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS); n++) {
            dir = parent.resolve(name + "-" + n);
        }
        try {
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setAttribute(dir, "unix:gid", user.gid());
            Files.setAttribute(dir, "unix:uid", user.uid());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare " + dir + " for " + this, e);
        }
    }

    @Override
    public String toString() {
        return scenario.name() + " as " + user.name();
    }
}
