#!/usr/bin/env python3
"""Instruction counts of the server handling bench.py's keystroke edit mix.

Runs `pyexplain serve` under `valgrind --tool=callgrind` (counts do not depend
on the machine's load), opens bench.py's 10,000-line file, waits for its first
diagnostics, then sends the edit mix of `bench.py --only lsp` one edit at a
time, waiting for each version's publishDiagnostics. Run once with `--edits 0`
for the baseline (start-up, open, first check): the difference is what the
edits cost. Usage:

    python3 tests/bench/keystroke_callgrind.py [--binary target/release/pyexplain] [--edits 200] [--hovers]
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=str(bench.PYEXPLAIN))
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--hovers", action="store_true", help="also hover after each edit, as bench.py does")
    args = ap.parse_args()
    lib = Path(__import__("sysconfig").get_paths()["stdlib"])
    big = bench.make_big_file(lib)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out = work / "callgrind.out"
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", args.binary, "serve"]
        s = bench.Server("pyexplain", cmd, work)
        s.initialize(work, {})
        uri = (work / "big.py").as_uri()
        s.open(uri, big, 0)
        s.diagnostics(uri, None, timeout=3000)
        edits, used = bench.plan_edits(big, args.edits) if args.edits else ([], set())
        targets = bench.hover_targets(big, used)
        for i, e in enumerate(edits):
            s.change(uri, i + 1, e[0], e[1], e[2], e[3])
            s.diagnostics(uri, i + 1, timeout=3000)
            if args.hovers:
                ln, col, _ = targets[i % len(targets)]
                s.hover(uri, ln, col)
        s.close()
        summary = subprocess.run(["callgrind_annotate", "--threshold=100", str(out)], capture_output=True, text=True).stdout
        for line in summary.splitlines():
            if "PROGRAM TOTALS" in line:
                print(f"edits={len(edits)} {line.strip()}")
        keep = Path(f"/tmp/keystroke-callgrind-{len(edits)}.out")
        keep.write_bytes(out.read_bytes())
        print(f"profile kept in {keep}")


if __name__ == "__main__":
    main()
