package qtfs.e2e.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What archivers must preserve about a tree, as sorted lines that two trees can be compared by:
 * find(1)'s view of each entry (type, mode, owner, size, mtime to the nanosecond, link target,
 * link count), content checksums, getfattr's xattrs and getfacl's ACLs.
 */
public final class TreeListing {
    private TreeListing() {
    }

    public static List<String> of(Path root) {
        List<String> lines = new ArrayList<>();
        lines.addAll(sorted(run(root, HostTool.FIND.path(), ".", "!", "-type", "d", "-printf",
                "%p type=%y mode=%m owner=%U:%G size=%s mtime=%T@ nlink=%n target=%l\\n")));
        // a directory's size and link count depend on its history, not on what was copied into it
        lines.addAll(sorted(run(root, HostTool.FIND.path(), ".", "-type", "d", "-printf",
                "%p type=%y mode=%m owner=%U:%G mtime=%T@\\n")));
        lines.addAll(sorted(run(root, HostTool.FIND.path(), ".", "-type", "f", "-exec", HostTool.SHA256SUM.path(),
                "{}", "+")));
        lines.addAll(blocks(run(root, HostTool.GETFATTR.path(), "-R", "-h", "-d", "-m", "^user\\.", "-e", "hex", ".")));
        lines.addAll(blocks(run(root, HostTool.GETFACL.path(), "-R", "-p", "-s", ".")));
        return lines;
    }

    private static String run(Path dir, String... argv) {
        return Command.of(argv).in(dir).runOk().stdout();
    }

    private static List<String> sorted(String output) {
        return output.lines().sorted().toList();
    }

    /** getfattr/getfacl print one block per file, in readdir order: sort the blocks, joined to lines. */
    private static List<String> blocks(String output) {
        return Arrays.stream(output.split("\n\n")).map(String::strip).filter(b -> !b.isEmpty())
                .map(b -> b.replace('\n', ' ')).sorted().toList();
    }
}
