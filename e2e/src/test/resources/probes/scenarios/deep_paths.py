# A tree deeper than PATH_MAX, reached one relative step at a time, as any program may do.
# users: root nobody
from probelib import *

NAME = "d" * 200
DEPTH = 25  # 25 * 201 bytes: the full path is longer than PATH_MAX (4096)

top = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
depth = 0  # how far down the scenario got, so that it climbs back exactly that far


def descend_creating():
    global depth
    while depth < DEPTH:
        os.mkdir(NAME)
        os.chdir(NAME)
        depth += 1


step("mkdir and chdir 25 levels of 200-byte names", descend_creating)
step("depth reached", lambda: depth)
step("create file at the bottom", write_file, "bottom", b"deep")
show_stat("bottom")
show_content("bottom")
step("rename at the bottom", os.rename, "bottom", "renamed")
step("symlink at the bottom", os.symlink, "renamed", "link")
step("readlink at the bottom", os.readlink, "link")
show_content("renamed")
show_content("link")
step("mkdir at the bottom", os.mkdir, "sub")
step("readdir at the bottom", lambda: " ".join(f"{n}:{t}" for n, t, _ in read_dir(".")))
step("setxattr at the bottom", os.setxattr, "renamed", "user.deep", b"yes")
step("getxattr at the bottom", os.getxattr, "renamed", "user.deep")
step("chmod at the bottom", os.chmod, "renamed", 0o600)
show_stat("renamed")
step("getcwd is too long", lambda: len(os.getcwd()) > 4096)
step("open through the full relative path from the top",
     lambda: os.open("/".join([NAME] * DEPTH) + "/renamed", os.O_RDONLY, dir_fd=top), show=quiet)


def climb_removing():
    global depth
    for name in ("sub", "link", "renamed", "bottom", NAME):
        if os.path.lexists(name):
            (os.rmdir if os.path.isdir(name) and not os.path.islink(name) else os.unlink)(name)
    while depth > 0:
        os.chdir("..")
        os.rmdir(NAME)
        depth -= 1


step("remove everything climbing up", climb_removing)
step("back at the top", lambda: os.path.samestat(os.stat("."), os.fstat(top)))
step("readdir top", lambda: " ".join(f"{n}:{t}" for n, t, _ in read_dir(".")))
