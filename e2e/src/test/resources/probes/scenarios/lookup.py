# Lookup and getattr: every kind of node, missing and malformed paths, name and path limits.
# users: root nobody
from probelib import *

section("setup")
step("mkdir d", os.mkdir, "d")
step("create d/f", write_file, "d/f", b"hello")
step("symlink d/l -> f", os.symlink, "f", "d/l")
step("symlink dangling -> nowhere", os.symlink, "nowhere", "dangling")

section("existing")
show_stat(".")
show_stat("d")
show_stat("d/f")
show_stat("d/l")
show_lstat("d/l")
show_stat("d/.")
show_stat("d/..")
show_stat("d/../d/f")
show_stat("./d//f")

section("missing")
show_stat("missing")
show_stat("missing/x")
show_stat("d/missing")
show_stat("dangling")
show_lstat("dangling")

section("not a directory")
show_stat("d/f/")
show_stat("d/f/x")
show_stat("d/f/.")

section("name limits")
step("create 255-byte name", write_file, "n" * 255, b"")
show_stat("n" * 255, "stat 255-byte name")
step("create 256-byte name", write_file, "n" * 256, b"")
show_stat("n" * 256, "stat 256-byte name")
step("stat 256-byte name under missing dir", os.stat, "missing/" + "n" * 256)
step("mkdir 256-byte name", os.mkdir, "m" * 256)
step("stat path over PATH_MAX", os.stat, "/".join(["d"] * 2100))
step("stat path of 4095 bytes", os.stat, "." + "/" * 4093 + "d")
step("stat path of 4096 bytes", os.stat, "." + "/" * 4094 + "d")
