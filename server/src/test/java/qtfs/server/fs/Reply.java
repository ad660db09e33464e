package qtfs.server.fs;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import qtfs.fuse.proto.AttrOut;
import qtfs.fuse.proto.EntryOut;
import qtfs.fuse.proto.FuseAttr;
import qtfs.fuse.proto.OpenOut;
import qtfs.sys.Errno;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A reply as the kernel would read it: the error (positive errno, 0 on success) and the body. */
record Reply(long unique, int errno, MemorySegment body) {
    /** What a request that would have waited for the disk gives back (handleWithoutWaiting). */
    static final Reply WOULD_WAIT = new Reply(-1, -1, MemorySegment.NULL);

    Reply ok() {
        assertEquals(0, errno, () -> "expected success, got " + Errno.describe(errno));
        return this;
    }

    Reply fails(int expected) {
        assertEquals(expected, errno, () -> "expected " + Errno.name(expected) + ", got "
                + (errno == 0 ? "success" : Errno.name(errno)));
        return this;
    }

    /** A LOOKUP's answer for a missing name: a negative entry (node id 0) the kernel keeps for the entry timeout. */
    Reply missing() {
        assertEquals(0, nodeid(), "node id 0 means no such name");
        assertEquals(CacheTimes.DEFAULT.entry().toSeconds(), EntryOut.entryValid(body, 0), "remembered for the entry timeout");
        assertEquals(0, EntryOut.attrValid(body, 0));
        return this;
    }

    long nodeid() { return EntryOut.nodeid(ok().body, 0); }
    int entryNlink() { return FuseAttr.nlink(ok().body, EntryOut.ATTR); }
    int entryMode() { return FuseAttr.mode(ok().body, EntryOut.ATTR); }
    long entryIno() { return FuseAttr.ino(ok().body, EntryOut.ATTR); }
    long entrySize() { return FuseAttr.size(ok().body, EntryOut.ATTR); }
    int attrMode() { return FuseAttr.mode(ok().body, AttrOut.ATTR); }
    int attrNlink() { return FuseAttr.nlink(ok().body, AttrOut.ATTR); }
    long attrSize() { return FuseAttr.size(ok().body, AttrOut.ATTR); }
    long attrIno() { return FuseAttr.ino(ok().body, AttrOut.ATTR); }
    int attrUid() { return FuseAttr.uid(ok().body, AttrOut.ATTR); }
    int attrGid() { return FuseAttr.gid(ok().body, AttrOut.ATTR); }
    long attrMtime() { return FuseAttr.mtime(ok().body, AttrOut.ATTR); }
    long attrAtime() { return FuseAttr.atime(ok().body, AttrOut.ATTR); }
    int attrMtimeNsec() { return FuseAttr.mtimensec(ok().body, AttrOut.ATTR); }
    /** CREATE's reply: the handle after the entry. */
    long createFh() { return OpenOut.fh(ok().body, EntryOut.SIZE); }
    long fh() { return OpenOut.fh(ok().body, 0); }
    int openFlags() { return OpenOut.openFlags(ok().body, 0); }
    int createOpenFlags() { return OpenOut.openFlags(ok().body, EntryOut.SIZE); }

    byte[] bytes() { return ok().body.toArray(JAVA_BYTE); }
    String text() { return new String(bytes(), StandardCharsets.UTF_8); }
    int u32(long at) { return ok().body.get(qtfs.fuse.proto.Le.U32, at); }
    long u64(long at) { return ok().body.get(qtfs.fuse.proto.Le.U64, at); }
}
