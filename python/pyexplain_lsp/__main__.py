"""``python -m pyexplain_lsp …`` runs ``pyexplain …``: same arguments, same
standard streams, same exit status."""

import os
import sys

from pyexplain_lsp._find_bin import find_pyexplain_bin


def main() -> None:
    pyexplain = os.fsdecode(find_pyexplain_bin())
    if sys.platform == "win32":
        import subprocess

        sys.exit(subprocess.run([pyexplain, *sys.argv[1:]]).returncode)
    os.execvp(pyexplain, [pyexplain, *sys.argv[1:]])


if __name__ == "__main__":
    main()
