package qtfs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import qtfs.sys.MountCalls;

/**
 * mount(8) options as mount(2) takes them: the generic ones become MS_* flags (ro, nosuid,
 * noexec, relatime...), every other one is passed to the file system in the data string
 * (size=, mode=, uid=...), in the order given.
 */
record MountFlagOptions(long flags, String data) {
    /** Options that set a flag, and those that clear one. */
    private static final Map<String, Long> SETS = Map.ofEntries(
            Map.entry("ro", MountCalls.MS_RDONLY), Map.entry("nosuid", MountCalls.MS_NOSUID),
            Map.entry("nodev", MountCalls.MS_NODEV), Map.entry("noexec", MountCalls.MS_NOEXEC),
            Map.entry("sync", MountCalls.MS_SYNCHRONOUS), Map.entry("dirsync", MountCalls.MS_DIRSYNC),
            Map.entry("nosymfollow", MountCalls.MS_NOSYMFOLLOW), Map.entry("noatime", MountCalls.MS_NOATIME),
            Map.entry("nodiratime", MountCalls.MS_NODIRATIME), Map.entry("relatime", MountCalls.MS_RELATIME),
            Map.entry("strictatime", MountCalls.MS_STRICTATIME), Map.entry("lazytime", MountCalls.MS_LAZYTIME),
            Map.entry("silent", MountCalls.MS_SILENT), Map.entry("mand", MountCalls.MS_MANDLOCK),
            Map.entry("remount", MountCalls.MS_REMOUNT), Map.entry("bind", MountCalls.MS_BIND),
            Map.entry("rbind", MountCalls.MS_BIND | MountCalls.MS_REC), Map.entry("move", MountCalls.MS_MOVE));
    private static final Map<String, Long> CLEARS = Map.ofEntries(
            Map.entry("rw", MountCalls.MS_RDONLY), Map.entry("suid", MountCalls.MS_NOSUID),
            Map.entry("dev", MountCalls.MS_NODEV), Map.entry("exec", MountCalls.MS_NOEXEC),
            Map.entry("async", MountCalls.MS_SYNCHRONOUS), Map.entry("symfollow", MountCalls.MS_NOSYMFOLLOW),
            Map.entry("atime", MountCalls.MS_NOATIME), Map.entry("diratime", MountCalls.MS_NODIRATIME),
            Map.entry("norelatime", MountCalls.MS_RELATIME), Map.entry("nostrictatime", MountCalls.MS_STRICTATIME),
            Map.entry("nolazytime", MountCalls.MS_LAZYTIME), Map.entry("loud", MountCalls.MS_SILENT),
            Map.entry("nomand", MountCalls.MS_MANDLOCK), Map.entry("defaults", 0L));

    /** Parses comma-separated option lists ({@code -o} may be given several times). */
    static MountFlagOptions parse(List<String> lists) {
        long flags = 0;
        List<String> data = new ArrayList<>();
        for (String list : lists) {
            for (String option : list.split(",")) {
                if (option.isEmpty()) continue;
                Long set = SETS.get(option), clear = CLEARS.get(option);
                if (set != null) flags |= set;
                else if (clear != null) flags &= ~clear;
                else data.add(option);
            }
        }
        return new MountFlagOptions(flags, String.join(",", data));
    }
}
