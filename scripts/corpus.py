#!/usr/bin/env python3
"""Prove pyexplain's fixes and findings on real projects' own test suites
(issue 10).

For every project pinned in tests/corpus/projects.toml (name==version, pure
Python, its sdist ships its tests):

1. downloads the sdist with pip (`pip download --no-deps --no-binary :all:`),
   cached in target/corpus/sdists/, and unpacks it;
2. makes one venv per project in target/corpus/venv/ with pytest,
   pytest-socket and the project's test dependencies, and installs the
   project there (for its metadata and entry points only: the tests import the
   package from the copy under test, through PYTHONPATH, and the script checks
   that they do);
3. runs the project's own test suite, sockets disabled (pytest-socket's
   `--disable-socket --allow-unix-socket`: no test can open a network
   connection), three times, each on a fresh copy of the source:
   pristine; after `pyexplain check --fix` on the package sources (never the
   tests); after `--fix --unsafe-fixes`;
4. compares per test id: a test that passed on the pristine copy and fails
   (or errors, or is no longer collected) on a fixed copy is newly failing.
   Each newly failing test is attributed to a rule by re-running it on copies
   fixed with one rule at a time (`--select RULE`).

It prints, per project and per rule, files fixed, findings fixed and tests
newly failing, and exits 1 when a SAFE fix breaks a test (or a fix panics).

The judged sample (tests/corpus/judged.toml: findings of the default rules on
the package sources, each labelled true / debatable / false) is joined with the
current findings: per-rule precision, judged findings that no longer fire,
current findings nobody judged.

Usage:
  python3 scripts/corpus.py [--bin target/release/pyexplain] [--projects a,b] [--ci]
                            [--jobs N] [--out CORPUS.md] [--no-tests] [--no-bisect]
  python3 scripts/corpus.py --sheet FILE [--per-rule N] [--seed S]
      writes the unjudged findings of a seeded sample, each with its context,
      for a human to label (then copy the entries into judged.toml).

Not a timed test. `.ci/run` runs it with --ci (three small, fast projects).
"""

import argparse
import collections
import concurrent.futures
import glob
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "corpus")
WORK = os.path.join(ROOT, "target", "corpus")
CI_PROJECTS = ["six", "idna", "itsdangerous"]
TEST_TIMEOUT = 1200

# Loaded into every pytest run with `-p corpus_outcomes`: writes nodeid ->
# outcome (passed, failed, error, skipped, xfailed) to $CORPUS_OUTCOMES.
PLUGIN = r'''
import json, os

_out = {}

def pytest_runtest_logreport(report):
    prev = _out.get(report.nodeid)
    if report.failed:
        _out[report.nodeid] = "failed" if report.when == "call" else "error"
    elif prev in ("failed", "error"):
        return
    elif report.when == "call":
        _out[report.nodeid] = "xfailed" if hasattr(report, "wasxfail") else ("passed" if report.passed else "skipped")
    elif report.skipped and prev is None:
        _out[report.nodeid] = "skipped"

def pytest_collectreport(report):
    if report.failed:
        _out[(report.nodeid or "<collection>") + " (collection)"] = "error"

def pytest_sessionfinish(session, exitstatus):
    with open(os.environ["CORPUS_OUTCOMES"], "w") as f:
        json.dump(_out, f, indent=0, sort_keys=True)
'''

PASSING = ("passed", "xfailed", "skipped")
TIMEOUT_ID = "<the whole suite> (timed out)"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run(cmd, **kw)


# ---------------------------------------------------------------- projects


def load_projects():
    with open(os.path.join(CORPUS, "projects.toml"), "rb") as f:
        data = tomllib.load(f)
    projects = data["project"]
    for p in projects:
        p.setdefault("deps", [])
        p.setdefault("tests", ["tests"])
        p.setdefault("pythonpath", ".")
        p.setdefault("exclude", [])
        p.setdefault("deselect", [])
        p.setdefault("env", {})
        p.setdefault("pytest_args", [])
    return projects


def norm(name):
    return re.sub(r"[-_.]+", "_", name).lower()


def sdist(p):
    """The cached sdist of a project, downloaded with pip if missing."""
    d = os.path.join(WORK, "sdists")
    os.makedirs(d, exist_ok=True)

    def find():
        for f in os.listdir(d):
            if f.endswith((".tar.gz", ".zip")) and norm(f).startswith(norm(f"{p['name']}-{p['version']}") + "_"):
                return os.path.join(d, f)
        return None

    path = find()
    if not path:
        r = run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                 f"{p['name']}=={p['version']}", "-d", d])
        if r.returncode:
            raise RuntimeError(f"pip download {p['name']}=={p['version']} failed:\n{r.stderr[-2000:]}")
        path = find()
        if not path:
            raise RuntimeError(f"pip download did not leave an sdist for {p['name']}=={p['version']}")
    return path


def unpack(p):
    """The pristine source tree (unpacked once from the sdist)."""
    dest = os.path.join(WORK, "src", f"{p['name']}-{p['version']}")
    stamp = os.path.join(dest, ".corpus-unpacked")
    if os.path.exists(stamp):
        return dest
    if os.path.exists(dest):
        shutil.rmtree(dest)
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with tarfile.open(sdist(p)) as t:
        t.extractall(tmp, filter="data")
    (top,) = os.listdir(tmp)
    os.rename(os.path.join(tmp, top), dest)
    os.rmdir(tmp)
    open(stamp, "w").close()
    return dest


def venv(p, src):
    """The project's venv, with pytest, pytest-socket, its test deps and itself."""
    d = os.path.join(WORK, "venv", p["name"])
    want = ["pytest", "pytest-socket", *p["deps"]]
    key = hashlib.sha256(json.dumps([p["version"], want, sys.version]).encode()).hexdigest()
    stamp = os.path.join(d, ".corpus-stamp")
    py = os.path.join(d, "bin", "python")
    if os.path.exists(stamp) and open(stamp).read() == key:
        return py
    shutil.rmtree(d, ignore_errors=True)
    # Without pip of its own: the running pip installs into it (`pip --python`), which is quicker.
    r = run([sys.executable, "-m", "venv", "--without-pip", d])
    if r.returncode:
        raise RuntimeError(f"venv for {p['name']}: {r.stderr}")
    pip = [sys.executable, "-m", "pip", "--python", py]
    r = run([*pip, "install", "--quiet", *want])
    if r.returncode:
        raise RuntimeError(f"installing {want} for {p['name']}:\n{r.stderr[-2000:]}")
    # Installed from a throw-away copy so the build leaves nothing in the pristine tree.
    build = os.path.join(WORK, "build", p["name"])
    shutil.rmtree(build, ignore_errors=True)
    shutil.copytree(src, build)
    r = run([*pip, "install", "--quiet", "--no-deps", build], env={**os.environ, **p["env"]})
    shutil.rmtree(build, ignore_errors=True)
    if r.returncode:
        raise RuntimeError(f"installing {p['name']} into its venv:\n{r.stderr[-2000:]}")
    with open(stamp, "w") as f:
        f.write(key)
    return py


def plugin_dir():
    d = os.path.join(WORK, "plugin")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "corpus_outcomes.py")
    if not os.path.exists(path) or open(path).read() != PLUGIN:
        with open(path, "w") as f:
            f.write(PLUGIN)
    return d


def source_files(p, root):
    """The package sources (relative to the project root): `sources` minus `exclude`."""
    out = []
    excl = [os.path.normpath(e) for e in p["exclude"]]
    for s in p["sources"]:
        full = os.path.join(root, s)
        if os.path.isfile(full):
            out.append(os.path.normpath(s))
            continue
        for dirpath, dirnames, filenames in os.walk(full):
            dirnames.sort()
            rel = os.path.relpath(dirpath, root)
            if any(rel == e or rel.startswith(e + os.sep) for e in excl):
                dirnames[:] = []
                continue
            for n in sorted(filenames):
                if n.endswith((".py", ".pyi")):
                    out.append(os.path.normpath(os.path.join(rel, n)))
    return [f for f in out if f not in excl]


def fresh_copy(src, dest):
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".corpus-unpacked", "__pycache__"))
    return dest


# ---------------------------------------------------------------- pyexplain


def findings(binary, root, files, select=None):
    cmd = [binary, "check", "--format", "json"]
    if select:
        cmd += ["--select", select]
    r = run(cmd + files, cwd=root)
    if r.returncode not in (0, 1) or "panicked" in r.stderr:
        raise RuntimeError(f"pyexplain check in {root} exited {r.returncode}:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout or "[]")


def fix(binary, root, files, unsafe, select=None):
    cmd = [binary, "check", "--fix"] + (["--unsafe-fixes"] if unsafe else [])
    if select:
        cmd += ["--select", select]
    r = run(cmd + files, cwd=root)
    if r.returncode not in (0, 1) or "panicked" in r.stderr:
        raise RuntimeError(f"{' '.join(cmd[1:])} in {root} exited {r.returncode}:\n{r.stderr[-2000:]}")


def per_rule_fixed(before, after):
    """rule -> (files fixed, findings fixed), from the findings before and after a fix."""
    b = collections.Counter((f["path"], f["rule"]) for f in before)
    a = collections.Counter((f["path"], f["rule"]) for f in after)
    files = collections.defaultdict(set)
    count = collections.Counter()
    for (path, rule), n in b.items():
        gone = n - a.get((path, rule), 0)
        if gone > 0:
            files[rule].add(path)
            count[rule] += gone
    return {rule: (len(files[rule]), count[rule]) for rule in count}


# ---------------------------------------------------------------- tests


def pytest(p, py, root, only=None, timeout=TEST_TIMEOUT):
    """Run the project's tests in `root`; nodeid -> outcome. A run that takes
    longer than `timeout` is killed and reported as one error, TIMEOUT_ID."""
    out = os.path.join(root, ".corpus-outcomes.json")
    if os.path.exists(out):
        os.remove(out)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PYTHON"))}
    env.update(p["env"])
    env["PYTHONPATH"] = os.pathsep.join([os.path.join(root, p["pythonpath"]), plugin_dir()])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["CORPUS_OUTCOMES"] = out
    # The copy under test is what gets imported, not the venv's installed one.
    mod = p.get("module", norm(p["name"]))
    r = run([py, "-c", f"import {mod}; print({mod}.__file__)"], cwd=root, env=env)
    if r.returncode or not os.path.realpath(r.stdout.strip()).startswith(os.path.realpath(root) + os.sep):
        raise RuntimeError(f"{mod} is not imported from {root}: {r.stdout.strip()} {r.stderr[-500:]}")
    cmd = [py, "-m", "pytest", "-p", "corpus_outcomes", "-p", "no:cacheprovider",
           "--disable-socket", "--allow-unix-socket", "--continue-on-collection-errors",
           "-q", "-rN", *p["pytest_args"]]
    if only is not None:
        cmd += sorted({t.split(" (collection)")[0] for t in only})
    else:
        for d in p["deselect"]:
            cmd += ["--deselect", d["id"]] if "::" in d["id"] else ["--ignore", d["id"]]
        cmd += p["tests"]
    t0 = time.time()
    try:
        r = run(cmd, cwd=root, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        with open(os.path.join(root, ".corpus-pytest.log"), "w") as f:
            f.write(" ".join(cmd) + f"\n\nE   the suite did not finish within {timeout:.0f} s (killed)\n")
        return {TIMEOUT_ID: "error"}, time.time() - t0
    took = time.time() - t0
    with open(os.path.join(root, ".corpus-pytest.log"), "w") as f:
        f.write(" ".join(cmd) + "\n\n" + r.stdout + r.stderr)
    if not os.path.exists(out):
        raise RuntimeError(f"pytest in {root} wrote no outcomes (exit {r.returncode}):\n{(r.stdout + r.stderr)[-3000:]}")
    with open(out) as f:
        return json.load(f), took


def newly_failing(pristine, variant):
    """Tests that passed on the pristine copy and do not pass on the variant."""
    if TIMEOUT_ID in variant:
        return [TIMEOUT_ID]
    bad = {t for t, o in pristine.items() if o in PASSING and variant.get(t) not in PASSING}
    bad |= {t for t, o in variant.items() if o == "error" and t not in pristine}
    return sorted(bad)


def failure_line(root, test):
    """One line of pytest's report for `test` from the last run in root, for the table."""
    try:
        text = open(os.path.join(root, ".corpus-pytest.log")).read()
    except OSError:
        return ""
    name = test.split("::")[-1].split(" (collection)")[0]
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if name in l and ("___" in l):
            for m in lines[i + 1:i + 400]:
                if m.startswith("E   "):
                    return m[4:].strip()[:160]
                if "___" in m and name not in m:
                    break
    for l in lines:
        if l.startswith("E   "):
            return l[4:].strip()[:160]
    return ""


def project_run(p, binary, args):
    res = {"name": p["name"], "version": p["version"], "variants": {}, "error": None}
    try:
        src = unpack(p)
        py = None if args.no_tests else venv(p, src)
        base = os.path.join(WORK, "work", p["name"])
        files = source_files(p, src)
        res["files"] = len(files)
        res["lines"] = sum(open(os.path.join(src, f), "rb").read().count(b"\n") for f in files)
        res["findings"] = findings(binary, src, files)
        if args.no_tests:
            return res
        pristine_root = fresh_copy(src, os.path.join(base, "pristine"))
        log(f"{p['name']}: pristine tests")
        pristine, took = pytest(p, py, pristine_root)
        res["tests"] = pristine
        res["took"] = took
        res["pristine_failing"] = sorted(t for t, o in pristine.items() if o not in PASSING)
        for label, unsafe in (("safe", False), ("unsafe", True)):
            root = fresh_copy(src, os.path.join(base, label))
            before = findings(binary, root, files)
            fix(binary, root, files, unsafe)
            after = findings(binary, root, files)
            changed = sorted(f for f in files if open(os.path.join(root, f), "rb").read() != open(os.path.join(src, f), "rb").read())
            by_rule = per_rule_fixed(before, after)
            log(f"{p['name']}: tests after --fix{' --unsafe-fixes' if unsafe else ''} ({len(changed)} files changed)")
            # A fix that makes the suite hang or crawl (a cache that no longer caches) is a failure too.
            limit = max(600.0, 5 * took)
            outcome, _ = pytest(p, py, root, timeout=limit) if changed else (pristine, 0)
            bad = newly_failing(pristine, outcome)
            v = {"changed": changed, "by_rule": by_rule, "newly_failing": bad,
                 "causes": {t: failure_line(root, t) for t in bad}, "blame": {}}
            if bad and not args.no_bisect:
                for rule in sorted(by_rule):
                    broot = fresh_copy(src, os.path.join(base, f"{label}-{rule}"))
                    fix(binary, broot, files, unsafe, select=rule)
                    log(f"{p['name']}: bisecting {label}: {rule}")
                    if TIMEOUT_ID in bad:  # the whole suite, with the same limit
                        o, _ = pytest(p, py, broot, timeout=limit)
                        o = {t: v for t, v in o.items() if t in bad or t == TIMEOUT_ID}
                    else:
                        o, _ = pytest(p, py, broot, only=bad)
                    for t in bad:
                        tid = t.split(" (collection)")[0]
                        hit = []
                        for k, val in o.items():
                            b = k.split(" (collection)")[0]
                            if val not in PASSING and (b in (tid, "", "<collection>") or tid.startswith((b + "::", b + "/"))
                                                       or k == TIMEOUT_ID):
                                hit.append(k)
                        if hit:
                            v["blame"].setdefault(t, []).append(rule)
                            if not v["causes"].get(t):
                                v["causes"][t] = failure_line(broot, t)
                    shutil.rmtree(broot, ignore_errors=True)
            res["variants"][label] = v
    except Exception as e:  # reported, and the run fails
        res["error"] = f"{type(e).__name__}: {e}"
    return res


# ---------------------------------------------------------------- judged sample


def line_text(root, path, line):
    try:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        return lines[line - 1].strip() if 0 < line <= len(lines) else ""
    except OSError:
        return ""


def load_judged():
    path = os.path.join(CORPUS, "judged.toml")
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        return tomllib.load(f).get("finding", [])


def join_judged(results):
    """Match judged entries to current findings by project, path, rule and
    snippet (the flagged line's text); the line number may have moved."""
    judged = load_judged()
    current = {}
    for r in results:
        src = os.path.join(WORK, "src", f"{r['name']}-{r['version']}")
        for f in r.get("findings", []):
            key = (r["name"], f["path"], f["rule"])
            current.setdefault(key, []).append((f["line"], line_text(src, f["path"], f["line"])))
    projects = {r["name"] for r in results}
    used = set()
    matched, gone, moved = [], [], 0
    for j in judged:
        if j["project"] not in projects:
            continue
        cands = current.get((j["project"], j["path"], j["rule"]), [])
        hit = next((c for c in cands if c[0] == j["line"] and c[1] == j["snippet"].strip()), None)
        if hit is None:
            hit = min((c for c in cands if c[1] == j["snippet"].strip() and (j["project"], j["path"], j["rule"], c[0]) not in used),
                      key=lambda c: abs(c[0] - j["line"]), default=None)
            if hit is not None:
                moved += 1
        if hit is None:
            gone.append(j)
        else:
            used.add((j["project"], j["path"], j["rule"], hit[0]))
            matched.append(j)
    unjudged = sum(1 for (proj, path, rule), cs in current.items() for c in cs if (proj, path, rule, c[0]) not in used)
    return matched, gone, moved, unjudged


def precision_table(results):
    matched, gone, moved, unjudged = join_judged(results)
    by_rule = collections.defaultdict(collections.Counter)
    for j in matched:
        by_rule[j["rule"]][j["label"]] += 1
    now = collections.Counter(f["rule"] for r in results for f in r.get("findings", []))
    out = ["| rule | findings now | judged | true | debatable | false | precision (true / judged) | false rate |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    tot = collections.Counter()
    for rule in sorted(set(by_rule) | set(now), key=lambda r: (-now[r], r)):
        c = by_rule[rule]
        n = sum(c.values())
        tot.update(c)
        prec = f"{100 * c['true'] / n:.0f}%" if n else "–"
        fr = f"{100 * c['false'] / n:.0f}%" if n else "–"
        flag = " **>10%**" if n and c["false"] / n > 0.10 else ""
        out.append(f"| {rule} | {now[rule]} | {n} | {c['true']} | {c['debatable']} | {c['false']} | {prec} | {fr}{flag} |")
    n = sum(tot.values())
    if n:
        out.append(f"| **all** | {sum(now.values())} | {n} | {tot['true']} | {tot['debatable']} | {tot['false']} | "
                   f"{100 * tot['true'] / n:.0f}% | {100 * tot['false'] / n:.1f}% |")
    out.append("")
    out.append(f"Judged findings matched to a current finding: {len(matched)} ({moved} on a moved line); "
               f"judged findings that no longer fire: {len(gone)}; current findings not judged: {unjudged}.")
    if gone:
        c = collections.Counter(j["rule"] for j in gone)
        out.append("No longer firing, by rule: " + ", ".join(f"{r} {n}" for r, n in sorted(c.items())) + ".")
    return "\n".join(out)


def write_sheet(results, path, per_rule, seed):
    """A seeded sample of unjudged findings, with context, to label by hand."""
    judged = {(j["project"], j["path"], j["line"], j["rule"]) for j in load_judged()}
    by_rule = collections.defaultdict(list)
    for r in results:
        for f in r.get("findings", []):
            by_rule[f["rule"]].append((r, f))
    rng = random.Random(seed)
    out = []
    for rule in sorted(by_rule):
        items = sorted(by_rule[rule], key=lambda x: (x[0]["name"], x[1]["path"], x[1]["line"]))
        pick = items if len(items) <= per_rule else rng.sample(items, per_rule)
        for r, f in sorted(pick, key=lambda x: (x[0]["name"], x[1]["path"], x[1]["line"])):
            if (r["name"], f["path"], f["line"], rule) in judged:
                continue
            src = os.path.join(WORK, "src", f"{r['name']}-{r['version']}")
            with open(os.path.join(src, f["path"]), encoding="utf-8", errors="replace") as fh:
                lines = fh.read().splitlines()
            lo, hi = max(0, f["line"] - 8), min(len(lines), f["end_line"] + 6)
            ctx = "\n".join(f"{'>' if f['line'] <= i + 1 <= f['end_line'] else ' '}{i + 1:5} {lines[i]}" for i in range(lo, hi))
            fx = f.get("fix")
            fixdesc = ""
            if fx:
                fixdesc = f"fix ({fx['applicability']}): {fx['title']} :: " + " | ".join(
                    f"{e['line']}:{e['column']}-{e['end_line']}:{e['end_column']} -> {e['new_text']!r}" for e in fx["edits"])[:600]
            out.append(f"### {rule} ({len(items)} in corpus)\n[[finding]]\nproject = {json.dumps(r['name'])}\n"
                       f"path = {json.dumps(f['path'])}\nline = {f['line']}\nrule = {json.dumps(rule)}\n"
                       f"snippet = {json.dumps(lines[f['line'] - 1].strip())}\nlabel = \"\"\nreason = \"\"\n"
                       f"# {f['message']}\n# {fixdesc}\n{ctx}\n")
    with open(path, "w") as fh:
        fh.write("\n".join(out))
    log(f"wrote {len(out)} findings to {path}")


# ---------------------------------------------------------------- report


def report(results, args, binary, elapsed):
    o = []
    ver = run([binary, "--version"]).stdout.strip()
    o.append(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with {ver} ({os.path.relpath(binary, ROOT)}), "
             f"Python {sys.version.split()[0]}, {elapsed:.0f} s in all (`--jobs {args.jobs}`).\n")
    o.append("### Projects\n")
    o.append("| project | package sources | findings (default rules) | tests (pristine: pass / fail / skip·xfail) | deselected | suite time |")
    o.append("|---|---:|---:|---:|---:|---:|")
    for r in results:
        if r["error"] and "tests" not in r:
            o.append(f"| {r['name']}=={r['version']} | error: {r['error'].splitlines()[0]} | | | | |")
            continue
        t = r.get("tests")
        tc = "–"
        if t is not None:
            c = collections.Counter("pass" if v == "passed" else "fail" if v in ("failed", "error") else "skip" for v in t.values())
            tc = f"{len(t)} ({c['pass']} / {c['fail']} / {c['skip']})"
        o.append(f"| {r['name']}=={r['version']} | {r['files']} files, {r['lines']} lines | {len(r['findings'])} | {tc} | "
                 f"{len(r['proj']['deselect'])} | {r.get('took', 0):.0f} s |")
    o.append("")
    if not args.no_tests:
        for label in ("safe", "unsafe"):
            title = "`--fix` (safe fixes)" if label == "safe" else "`--fix --unsafe-fixes`"
            o.append(f"### {title}\n")
            o.append("| project | rule | files fixed | findings fixed | tests newly failing |")
            o.append("|---|---|---:|---:|---:|")
            total_bad = 0
            for r in results:
                v = r["variants"].get(label)
                if not v:
                    continue
                blame = collections.defaultdict(list)
                for t, rules in v["blame"].items():
                    for rule in rules:
                        blame[rule].append(t)
                unattributed = [t for t in v["newly_failing"] if t not in v["blame"]]
                total_bad += len(v["newly_failing"])
                for rule, (nf, nfix) in sorted(v["by_rule"].items()):
                    o.append(f"| {r['name']} | {rule} | {nf} | {nfix} | {len(blame.get(rule, []))} |")
                if unattributed:
                    o.append(f"| {r['name']} | (not reproduced by one rule alone) | | | {len(unattributed)} |")
                o.append(f"| **{r['name']}** | all: {len(v['changed'])} files changed | {len(v['changed'])} | "
                         f"{sum(x[1] for x in v['by_rule'].values())} | **{len(v['newly_failing'])}** |")
            o.append(f"\nTests newly failing in all: **{total_bad}**.\n")
            # Newly failing tests grouped by project, rule(s) and first error line.
            groups = collections.defaultdict(list)
            for r in results:
                v = r["variants"].get(label) or {}
                for t in v.get("newly_failing", []):
                    rules = ", ".join(v["blame"].get(t, ["not reproduced by one rule alone"]))
                    groups[(r["name"], rules, v["causes"].get(t, ""))].append(t)
            if groups:
                o.append("| project | rule(s) | tests | first error line | e.g. |")
                o.append("|---|---|---:|---|---|")
                for (name, rules, cause), ts in sorted(groups.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
                    cause = cause.replace("|", "\\|")
                    o.append(f"| {name} | {rules} | {len(ts)} | {cause} | `{ts[0]}` |")
                o.append("")
        warn = [(r["name"], t) for r in results for t in r.get("pristine_failing", [])]
        if warn:
            o.append("Failing on the pristine source and not deselected (to add to projects.toml): "
                     + ", ".join(f"{n}: `{t}`" for n, t in warn) + "\n")
    o.append("### Judged sample: precision of the default rules\n")
    o.append(precision_table(results))
    o.append("")
    return "\n".join(o)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="target/release/pyexplain")
    ap.add_argument("--projects", help="comma-separated names (default: all in projects.toml)")
    ap.add_argument("--ci", action="store_true", help=f"only {', '.join(CI_PROJECTS)}")
    ap.add_argument("--jobs", type=int, default=2, help="projects run in parallel")
    ap.add_argument("--out", help="write the results between the markers of this page (CORPUS.md)")
    ap.add_argument("--no-tests", action="store_true", help="findings and precision only")
    ap.add_argument("--no-bisect", action="store_true", help="do not attribute failures to rules")
    ap.add_argument("--sheet", help="write a sample of unjudged findings with context to this file")
    ap.add_argument("--per-rule", type=int, default=12)
    ap.add_argument("--seed", type=int, default=10)
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    if not os.path.exists(binary):
        sys.exit(f"no binary at {binary}: run `cargo build --release` first")
    projects = load_projects()
    if args.ci:
        args.projects = ",".join(CI_PROJECTS)
    if args.projects:
        want = args.projects.split(",")
        unknown = set(want) - {p["name"] for p in projects}
        if unknown:
            sys.exit(f"unknown project(s): {', '.join(sorted(unknown))}")
        projects = [p for p in projects if p["name"] in want]
    if args.sheet:
        args.no_tests = True
    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as ex:
        results = list(ex.map(lambda p: project_run(p, binary, args), projects))
    for r, p in zip(results, projects):
        r["proj"] = p
    if args.sheet:
        write_sheet(results, args.sheet, args.per_rule, args.seed)
        return 0
    text = report(results, args, binary, time.time() - t0)
    print(text)
    errors = [r for r in results if r["error"]]
    for r in errors:
        print(f"ERROR {r['name']}: {r['error']}")
    if args.out:
        begin, end = "<!-- corpus:begin -->", "<!-- corpus:end -->"
        page = open(args.out).read() if os.path.exists(args.out) else f"# Corpus\n\n{begin}\n{end}\n"
        if begin not in page:
            page += f"\n{begin}\n{end}\n"
        head, rest = page.split(begin, 1)
        tail = rest.split(end, 1)[1]
        with open(args.out, "w") as f:
            f.write(f"{head}{begin}\n{text}\n{end}{tail}")
    safe_broke = sum(len(r["variants"].get("safe", {}).get("newly_failing", [])) for r in results)
    if safe_broke:
        print(f"corpus: FAILED: safe fixes broke {safe_broke} test(s)")
    elif errors:
        print("corpus: FAILED: see the errors above")
    else:
        print("corpus: OK (no test broken by a safe fix)")
    return 1 if safe_broke or errors else 0


if __name__ == "__main__":
    sys.exit(main())
