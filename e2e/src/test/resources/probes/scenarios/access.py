# access(2) and faccessat(AT_EACCESS) for each mode bit, on files and directories.
# users: root nobody
from probelib import *


def matrix(path):
    result = []
    for name, mode in (("F", os.F_OK), ("R", os.R_OK), ("W", os.W_OK), ("X", os.X_OK),
                       ("RW", os.R_OK | os.W_OK)):
        try:
            access(path, mode)
            result.append(f"{name}=ok")
        except OSError as e:
            result.append(f"{name}={errname(e.errno)}")
    return " ".join(result)


for mode in (0o000, 0o400, 0o200, 0o100, 0o010, 0o001, 0o755, 0o777):
    step(f"create f{mode:03o}", write_file, f"f{mode:03o}", b"")
    step(f"chmod f{mode:03o}", os.chmod, f"f{mode:03o}", mode)
    step(f"access f{mode:03o}", matrix, f"f{mode:03o}")
for mode in (0o000, 0o500, 0o300, 0o700):
    step(f"mkdir d{mode:03o}", os.mkdir, f"d{mode:03o}")
    step(f"chmod d{mode:03o}", os.chmod, f"d{mode:03o}", mode)
    step(f"access d{mode:03o}", matrix, f"d{mode:03o}")
step("access missing", matrix, "missing")
step("access f777/x", matrix, "f777/x")
step("AT_EACCESS on f644-like file", lambda: access("f400", os.R_OK, AT_EACCESS))
step("bad mode bits", access, "f777", 0o10)
step("mkdir inner", os.mkdir, "inner")
step("create inner/f", write_file, "inner/f", b"")
step("chmod inner 0600 (no search)", os.chmod, "inner", 0o600)
step("access inner/f", matrix, "inner/f")
step("chmod inner 0700", os.chmod, "inner", 0o700)
