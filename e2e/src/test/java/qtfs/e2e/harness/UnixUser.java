package qtfs.e2e.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The identity a command runs as; unprivileged identities need no passwd entry. */
public record UnixUser(String name, int uid, int gid, List<Integer> groups) {
    public static final UnixUser ROOT = new UnixUser("root", 0, 0, List.of(0));
    public static final UnixUser NOBODY = new UnixUser("nobody", 65534, 65534, List.of());

    public static UnixUser byName(String name) {
        return switch (name) {
            case "root" -> ROOT;
            case "nobody" -> NOBODY;
            default -> throw new IllegalArgumentException("unknown test user '" + name + "' (known: root, nobody)");
        };
    }

    public boolean isRoot() {
        return uid == 0;
    }

    /** argv wrapped so that it runs as this user, with no capabilities left. */
    public List<String> wrap(List<String> argv) {
        if (isRoot()) {
            return argv;
        }
        List<String> wrapped = new ArrayList<>(List.of(HostTool.SETPRIV.path(), "--reuid=" + uid, "--regid=" + gid));
        wrapped.add(groups.isEmpty() ? "--clear-groups"
                : "--groups=" + groups.stream().map(String::valueOf).collect(Collectors.joining(",")));
        wrapped.add("--");
        wrapped.addAll(argv);
        return wrapped;
    }

    @Override
    public String toString() {
        return name;
    }
}
