package qtfs.server.fs;

/** Opens a driver on an existing server directory (e.g. /proc/self), whitelisted for reading only. */
final class FsDriverForPath {
    private FsDriverForPath() {}

    static FsDriver open(String path) throws Exception {
        return FsDriver.openExisting(path, "[Mount]\nPath=" + path + "\n[Open]\nPath=" + path + "\n[Read]\nPath=" + path + "\n");
    }
}
