"""Where pip/pipx/uv installed the ``pyexplain`` binary (after ruff's
``__main__.py`` and ty's ``_find_ty.py``)."""

from __future__ import annotations

import os
import sys
import sysconfig


def _user_scheme() -> str:
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    if os.name == "nt":
        return "nt_user"
    if sys.platform == "darwin" and getattr(sys, "_framework", None):
        return "osx_framework_user"
    return "posix_user"


def find_pyexplain_bin() -> str:
    """Return the path of the installed ``pyexplain`` binary.

    Looks in the scripts directory of this environment (a venv, pipx's or
    uv's tool environment, the system), then in the user scheme's
    (``pip install --user``), then beside this package for a
    ``--target``/``--prefix`` install. Raises FileNotFoundError otherwise.
    """
    exe = "pyexplain" + (sysconfig.get_config_var("EXE") or "")
    candidates = [
        os.path.join(sysconfig.get_path("scripts"), exe),
        os.path.join(sysconfig.get_path("scripts", scheme=_user_scheme()), exe),
    ]
    # pip install --target DIR: DIR/pyexplain_lsp/… and DIR/bin/pyexplain.
    pkg_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidates.append(os.path.join(pkg_root, "bin", exe))
    # pip install --prefix P: P/lib/pythonX.Y/site-packages/… and P/bin/pyexplain.
    candidates.append(os.path.join(pkg_root, os.pardir, os.pardir, os.pardir, "bin", exe))
    for path in candidates:
        if os.path.isfile(path):
            return os.path.normpath(path)
    raise FileNotFoundError(
        "pyexplain: the pyexplain binary was not found; looked in " + ", ".join(os.path.normpath(p) for p in candidates)
    )
