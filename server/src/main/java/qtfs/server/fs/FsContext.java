package qtfs.server.fs;

import qtfs.fuse.proto.InitParams;

/** What the operation groups of one session share. */
record FsContext(InodeStore inodes, HandleTable handles, Lookups lookups, AccessPolicy policy, Replies replies,
                 ClientOpenFlags openFlags, InitParams init, Invalidations changes) {}
