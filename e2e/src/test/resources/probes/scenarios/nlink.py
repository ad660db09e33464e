# st_nlink observed right after each change, from the path the change did not name.
# users: root nobody
from probelib import *

step("create a", write_file, "a", b"a")
show_nlink("a")
step("link a b", os.link, "a", "b")
show_nlink("a")
step("link b c", os.link, "b", "c")
show_nlink("a")
step("unlink c", os.unlink, "c")
show_nlink("a")
step("create x", write_file, "x", b"x")
step("rename x b (over a link of a)", os.rename, "x", "b")
show_nlink("a")
step("mkdir d", os.mkdir, "d")
show_nlink(".")
step("mkdir d/s", os.mkdir, "d/s")
show_nlink("d")
step("rename d/s s", os.rename, "d/s", "s")
show_nlink("d")
show_nlink(".")
step("rmdir s", os.rmdir, "s")
show_nlink(".")
