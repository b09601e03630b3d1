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
    ap.add_argument("--per-edit", action="store_true", help="dump counts after each edit (callgrind_control -d): per-edit median and p95")
    ap.add_argument("--rss", action="store_true", help="run natively (no valgrind) and print the peak RSS after the edits")
    ap.add_argument("--keep-dumps", help="with --per-edit: copy each edit's dump here (edit-N-<kind>.out)")
    args = ap.parse_args()
    lib = Path(__import__("sysconfig").get_paths()["stdlib"])
    big = bench.make_big_file(lib)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out = work / "callgrind.out"
        cmd = [args.binary, "serve"] if args.rss else ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", args.binary, "serve"]
        s = bench.Server("pyexplain", cmd, work)
        s.initialize(work, {})
        uri = (work / "big.py").as_uri()
        s.open(uri, big, 0)
        s.diagnostics(uri, None, timeout=3000)
        edits, used = bench.plan_edits(big, args.edits) if args.edits else ([], set())
        targets = bench.hover_targets(big, used)
        per_edit = []

        def dump():
            subprocess.run(["callgrind_control", "-d", str(s.proc.pid)], capture_output=True)
            dumps = sorted(work.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
            last = dumps[-1]
            for line in last.read_text().splitlines():
                if line.startswith("totals:") or line.startswith("summary:"):
                    return int(line.split()[1])
            return 0

        if args.per_edit:
            dump()
        for i, e in enumerate(edits):
            s.change(uri, i + 1, e[0], e[1], e[2], e[3])
            s.diagnostics(uri, i + 1, timeout=3000)
            if args.per_edit:
                per_edit.append((dump(), e))
                if args.keep_dumps:
                    Path(args.keep_dumps).mkdir(parents=True, exist_ok=True)
                    last = sorted(work.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))[-1]
                    kind = ("breaks" if e[4] else "valid") + {"\"": "-quote", "(": "-paren", "": "-delete"}.get(e[3], "-" + e[3])
                    (Path(args.keep_dumps) / f"edit-{i + 1}-{kind}.out").write_bytes(last.read_bytes())
            if args.hovers:
                ln, col, _ = targets[i % len(targets)]
                s.hover(uri, ln, col)
        if args.rss:
            print(f"edits={len(edits)} peak RSS {s.peak_rss_kib() / 1024:.1f} MiB")
            s.close()
            return
        s.close()
        if per_edit:
            counts = sorted(c for c, _ in per_edit)
            kinds = {}
            for c, e in per_edit:
                kinds.setdefault(("breaks" if e[4] else "valid") + f" {e[3]!r}", []).append(c)
            print(f"per edit: median {bench.med(counts) / 1e6:.1f}M, p95 {bench.pct(counts, 95) / 1e6:.1f}M, mean {sum(counts) / len(counts) / 1e6:.1f}M")
            for k, v in sorted(kinds.items()):
                print(f"  {k}: n={len(v)} median {bench.med(v) / 1e6:.1f}M max {max(v) / 1e6:.1f}M")
        summary = subprocess.run(["callgrind_annotate", "--threshold=100", str(out)], capture_output=True, text=True).stdout
        for line in summary.splitlines():
            if "PROGRAM TOTALS" in line:
                print(f"edits={len(edits)} {line.strip()}")
        keep = Path(f"/tmp/keystroke-callgrind-{len(edits)}.out")
        keep.write_bytes(out.read_bytes())
        print(f"profile kept in {keep}")


if __name__ == "__main__":
    main()
