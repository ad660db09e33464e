# Rename and link between two exports (two mounts) fail with EXDEV and leave both sides intact.
# users: root nobody
# needs: other-export
from probelib import *

step("create f", write_file, "f", b"f")
step("mkdir d", os.mkdir, "d")
step("create other/g", write_file, "other/g", b"g")
step("rename f other/f", os.rename, "f", "other/f")
step("rename f other/g (over a file)", os.rename, "f", "other/g")
step("renameat2 NOREPLACE f other/f", renameat2, "f", "other/f", RENAME_NOREPLACE)
step("renameat2 EXCHANGE f other/g", renameat2, "f", "other/g", RENAME_EXCHANGE)
step("rename d other/d", os.rename, "d", "other/d")
step("rename other/g g", os.rename, "other/g", "g")
step("link f other/f", os.link, "f", "other/f")
step("link other/g g", os.link, "other/g", "g")
show_stat("f")
show_stat("d")
show_stat("other/f")
show_content("other/g")
step("rename missing other/x", os.rename, "missing", "other/x")
step("copy f to other/copy by read and write", lambda: write_file("other/copy", read_file("f")))
show_content("other/copy")
