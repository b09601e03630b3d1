"""pyexplain: a Python language server that explains code where it is written.

The package carries the ``pyexplain`` binary (installed as a script). Run it as
``pyexplain …`` or ``python -m pyexplain_lsp …``; ``find_pyexplain_bin()`` gives
its path for tools that start the server themselves.
"""

from pyexplain_lsp._find_bin import find_pyexplain_bin

__all__ = ["find_pyexplain_bin"]
