#!/usr/bin/env python3
"""Compare pyexplain's rules with their ruff equivalents on the standard
library, side by side.

For every rule whose knowledge file names a ruff code (`pyexplain rules`,
column `ruff`), run `pyexplain check --select RULE` and `ruff check --select
CODE` over the same copy of the stdlib (without site-packages) and match
findings by file and line. Prints a Markdown table (both, ours only, ruff
only, agreement = both / union) and, with --details, examples of every
disagreement, which the rule's `## Known differences` section explains.

ruff is installed in a virtualenv (target/ruff-venv) unless --ruff is given.

Usage: python3 scripts/ruff-compare.py [--bin target/release/pyexplain] [--ruff PATH] [--details FILE]
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


def ensure_ruff(path):
    if path:
        return path
    venv = os.path.abspath("target/ruff-venv")
    ruff = os.path.join(venv, "bin", "ruff")
    if not os.path.exists(ruff):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "ruff"], check=True)
    return ruff


def rule_pairs(binary):
    out = subprocess.run([binary, "rules"], capture_output=True, text=True, check=True).stdout
    pairs = []
    for line in out.splitlines()[1:]:
        cols = [c.strip() for c in line.split("|")]
        if len(cols) >= 4 and cols[3] not in ("", "-"):
            pairs.append((cols[0], [c.strip() for c in cols[3].split(",") if c.strip()]))
    return pairs


def ours(binary, rule, root):
    r = subprocess.run([binary, "check", "--select", rule, "--format", "json", root], capture_output=True)
    return {(os.path.relpath(f["path"], root), f["line"]) for f in json.loads(r.stdout or b"[]")}


def theirs(ruff, codes, root):
    preview = False
    for c in codes:
        info = subprocess.run([ruff, "rule", c, "--output-format", "json"], capture_output=True, text=True)
        if info.returncode == 0 and json.loads(info.stdout).get("preview"):
            preview = True
    cmd = [ruff, "check", "--no-cache", "--isolated", "--target-version", "py311", "--select", ",".join(codes),
           "--output-format", "json", "--exit-zero", root]
    if preview:
        cmd.insert(3, "--preview")
    r = subprocess.run(cmd, capture_output=True)
    found = set()
    for d in json.loads(r.stdout or b"[]"):
        if d.get("code") in codes:
            found.add((os.path.relpath(d["filename"], root), d["location"]["row"]))
    return found, preview


def source_line(root, path, line, cache={}):
    if path not in cache:
        try:
            with open(os.path.join(root, path), "rb") as f:
                cache[path] = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            cache[path] = []
    lines = cache[path]
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/pyexplain")
    ap.add_argument("--ruff")
    ap.add_argument("--stdlib", default=sysconfig.get_paths()["stdlib"])
    ap.add_argument("--details", help="write every disagreement (up to 40 per rule) to this file")
    ap.add_argument("--only", help="comma-separated rule ids")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    ruff = ensure_ruff(args.ruff)
    version = subprocess.run([ruff, "--version"], capture_output=True, text=True).stdout.strip()

    work = tempfile.mkdtemp(prefix="pyexplain-ruff-")
    root = os.path.join(work, "stdlib")
    shutil.copytree(args.stdlib, root, ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc"), symlinks=True)

    pairs = rule_pairs(binary)
    if args.only:
        keep = set(args.only.split(","))
        pairs = [p for p in pairs if p[0] in keep]
    print(f"## pyexplain vs {version} on {args.stdlib} (without site-packages), matched by file and line\n")
    print("| rule | ruff | pyexplain | ruff | both | ours only | ruff only | agreement |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    details = []
    totals = collections.Counter()
    for rule, codes in pairs:
        a = ours(binary, rule, root)
        b, preview = theirs(ruff, codes, root)
        both, only_a, only_b = a & b, a - b, b - a
        union = len(a | b)
        agree = f"{100 * len(both) / union:.0f}%" if union else "n/a (none)"
        code = ",".join(codes) + (" (preview)" if preview else "")
        print(f"| {rule} | {code} | {len(a)} | {len(b)} | {len(both)} | {len(only_a)} | {len(only_b)} | {agree} |")
        totals.update(ours=len(a), ruff=len(b), both=len(both), only_a=len(only_a), only_b=len(only_b))
        if only_a or only_b:
            details.append(f"\n### {rule} ~ {code}\n")
            for label, items in (("pyexplain only", only_a), ("ruff only", only_b)):
                for path, line in sorted(items)[:40]:
                    details.append(f"- {label}: {path}:{line}: `{source_line(root, path, line)}`")
    union = totals["both"] + totals["only_a"] + totals["only_b"]
    print(f"| **all** | | {totals['ours']} | {totals['ruff']} | {totals['both']} | {totals['only_a']} | "
          f"{totals['only_b']} | {100 * totals['both'] / union:.0f}% |" if union else "")
    if args.details:
        with open(args.details, "w") as f:
            f.write("# Disagreements with ruff\n" + "\n".join(details) + "\n")
        print(f"\nDisagreements: {args.details}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
