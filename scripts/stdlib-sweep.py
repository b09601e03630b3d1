#!/usr/bin/env python3
"""Run pyexplain over the machine's CPython standard library (without
site-packages) and prove that it neither crashes nor breaks code.

1. `pyexplain check --select ALL` over a copy of the stdlib: no panic; files
   it cannot decode are reported and skipped; findings are counted per rule.
2. `pyexplain check --select ALL --fix` on a fresh copy, then separately
   `--fix --unsafe-fixes` on another: every file that compiled before
   (`compile()`, as `python3 -m py_compile` does) still compiles after.

Prints findings per rule, fixed files and any file that broke; exits 1 if a
panic happened or a fix broke a file. Not a timed test: run by `.ci/run`.

Usage: python3 scripts/stdlib-sweep.py [--bin target/release/pyexplain] [--stdlib DIR] [--keep DIR]
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

COMPILE_ALL = r"""
import sys, os, json
ok = []
root = sys.argv[1]
for dirpath, dirnames, filenames in os.walk(root):
    dirnames.sort()
    for name in sorted(filenames):
        if name.endswith('.py'):
            path = os.path.join(dirpath, name)
            try:
                with open(path, 'rb') as f:
                    compile(f.read(), path, 'exec', dont_inherit=True)
                ok.append(os.path.relpath(path, root))
            except Exception:
                pass
json.dump(ok, sys.stdout)
"""


def compiling_files(root):
    out = subprocess.run([sys.executable, "-c", COMPILE_ALL, root], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def copy_stdlib(src, dst):
    shutil.copytree(
        src,
        dst,
        ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc"),
        symlinks=True,
    )


def snapshot(root):
    data = {}
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            if name.endswith(".py"):
                p = os.path.join(dirpath, name)
                with open(p, "rb") as f:
                    data[os.path.relpath(p, root)] = f.read()
    return data


def run(cmd):
    return subprocess.run(cmd, capture_output=True)


def panicked(stderr: bytes) -> list:
    return [l for l in stderr.decode("utf-8", "replace").splitlines() if "panicked" in l]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/pyexplain")
    ap.add_argument("--stdlib", default=sysconfig.get_paths()["stdlib"])
    ap.add_argument("--keep", help="keep the fixed copies under this directory")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    failed = False

    work = args.keep or tempfile.mkdtemp(prefix="pyexplain-sweep-")
    os.makedirs(work, exist_ok=True)
    base = os.path.join(work, "stdlib")
    if os.path.exists(base):
        shutil.rmtree(base)
    copy_stdlib(args.stdlib, base)
    files = snapshot(base)
    lines = sum(v.count(b"\n") for v in files.values())
    print(f"## Standard-library sweep\n\n{args.stdlib} (without site-packages): {len(files)} files, {lines} lines\n")

    # 1. Check.
    r = run([binary, "check", "--select", "ALL", "--format", "json", base])
    if r.returncode not in (0, 1, 2) or panicked(r.stderr):
        print(f"check exited with {r.returncode}; panics: {panicked(r.stderr)}")
        failed = True
    try:
        findings = json.loads(r.stdout or b"[]")
    except json.JSONDecodeError:
        print("check printed invalid JSON")
        findings = []
        failed = True
    skipped = [l for l in r.stderr.decode("utf-8", "replace").splitlines() if l.strip() and "panicked" not in l]
    per_rule = collections.Counter(f["rule"] for f in findings)
    print(f"check: exit {r.returncode}, {len(findings)} findings in {len({f['path'] for f in findings})} files\n")
    if skipped:
        print("Reported and skipped (cannot be read or decoded):")
        for l in skipped[:20]:
            print(f"- {l}")
        print()
    print("| rule | findings |\n| --- | ---: |")
    for rule, n in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"| {rule} | {n} |")
    print()

    compiled_before = compiling_files(base)
    print(f"{len(compiled_before)} of {len(files)} files compile before fixing "
          "(the rest are deliberately invalid test data or Python 2 samples)\n")

    # 2. Fix, then fix with unsafe fixes, each on a fresh copy.
    for label, extra in (("--fix", []), ("--fix --unsafe-fixes", ["--unsafe-fixes"])):
        copy = os.path.join(work, "fixed-unsafe" if extra else "fixed-safe")
        if os.path.exists(copy):
            shutil.rmtree(copy)
        copy_stdlib(args.stdlib, copy)
        r = run([binary, "check", "--select", "ALL", "--fix", *extra, copy])
        if r.returncode not in (0, 1, 2) or panicked(r.stderr):
            print(f"{label}: exit {r.returncode}; panics: {panicked(r.stderr)}")
            failed = True
        after = snapshot(copy)
        changed = sorted(p for p in after if after[p] != files.get(p))
        compiled_after = compiling_files(copy)
        broken = sorted(compiled_before - compiled_after)
        print(f"### check {label}\n")
        print(f"{len(changed)} files changed; {len(broken)} broke")
        for p in broken:
            print(f"- BROKE: {p}")
            failed = True
        print()
        if changed:
            print("Changed files (first 15): " + ", ".join(changed[:15]) + ("" if len(changed) <= 15 else ", …"))
            print()

    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print("sweep: FAILED" if failed else "sweep: OK (no panic, no file broken by a fix)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
