# Creation under a directory with a default ACL: the ACL, not the umask, limits the new
# mode; elsewhere the umask does. Each creating call: open/creat, mkdir, mknod.
# users: root nobody
from probelib import *

ACL_USER_OBJ, ACL_GROUP_OBJ, ACL_OTHER = 0x01, 0x04, 0x20
ACL_UNDEFINED_ID = 0xFFFFFFFF


def acl(user, group, other):
    """A POSIX ACL as the system.posix_acl_* attributes hold it (what setfacl -d -m writes)."""
    entries = [(ACL_USER_OBJ, user), (ACL_GROUP_OBJ, group), (ACL_OTHER, other)]
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", tag, perm, ACL_UNDEFINED_ID) for tag, perm in entries)


def create_all(directory, suffix):
    step(f"create {directory}/f{suffix} mode 0666", write_file, f"{directory}/f{suffix}", b"", 0o666)
    show_stat(f"{directory}/f{suffix}")
    step(f"mkdir {directory}/d{suffix} mode 0777", os.mkdir, f"{directory}/d{suffix}", 0o777)
    show_stat(f"{directory}/d{suffix}")
    step(f"mkfifo {directory}/p{suffix} mode 0666", os.mkfifo, f"{directory}/p{suffix}", 0o666)
    show_stat(f"{directory}/p{suffix}")


section("umask 022")
step("mkdir open (default ACL rwx for all)", os.mkdir, "open", 0o755)
step("set default ACL of open", os.setxattr, "open", "system.posix_acl_default", acl(7, 7, 7))
step("mkdir narrow (default ACL rw-,r--,---)", os.mkdir, "narrow", 0o755)
step("set default ACL of narrow", os.setxattr, "narrow", "system.posix_acl_default", acl(6, 4, 0))
step("mkdir plain (no ACL)", os.mkdir, "plain", 0o755)
for d in ("open", "narrow", "plain"):
    create_all(d, "1")
step("open/d1 inherited the default ACL", lambda: os.getxattr("open/d1", "system.posix_acl_default") == acl(7, 7, 7))

section("umask 077")
old = os.umask(0o077)
for d in ("open", "narrow", "plain", "open/d1"):
    create_all(d, "2")
os.umask(old)

section("umask 0")
old = os.umask(0)
create_all("plain", "3")
os.umask(old)
