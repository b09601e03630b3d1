# Python 2 code: `pyexplain check --fix` turns it into Python 3.
import sys


def run(code):
    try:
        exec code in {}
    except SyntaxError, err:
        print >>sys.stderr, "bad code:", err
        raise ValueError, "cannot run"
    print "done",
