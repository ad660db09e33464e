package qtfs.server.fs;

/** What identifies an inode on the server: device and inode number. Hard links share it. */
record InodeKey(long dev, long ino) {}
