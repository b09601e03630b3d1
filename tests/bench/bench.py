#!/usr/bin/env python3
"""pyexplain benchmark (issue 6): pyexplain against ruff, pylint and
jedi-language-server, on the machine's CPython standard library.

    python3 tests/bench/bench.py [--quick] [--out BENCHMARKS.md]

It builds `cargo build --release --bins --features parse-floor` (pyexplain and
the parse-only floor `parse-floor`, a binary only that feature builds), installs ruff, pylint and jedi-language-server in a virtualenv
at target/bench-venv, then measures, alternating the tools run by run or edit
by edit, and prints a Markdown table (also written to --out).

Only the Python standard library is used. Nothing here is a test: no figure
fails the run; the table says whether each target was met.
"""

import argparse
import ast
import json
import math
import os
import platform
import queue
import random
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / "target" / "bench-venv"
VBIN = VENV / "bin"
PYEXPLAIN = ROOT / "target" / "release" / "pyexplain"
FLOOR = ROOT / "target" / "release" / "parse-floor"
BIG_LINES = 10_000
PYTHON_TARGET = "py311"  # pyexplain's default target-version (3.11)

# pyexplain rule → pylint message id (None: pylint has no counterpart).
PYLINT_FOR_RULE = {
    "bare-except": "W0702",  # bare-except
    "mutable-default-argument": "W0102",  # dangerous-default-value
    "none-equality": "C0121",  # singleton-comparison
    "type-comparison": "C0123",  # unidiomatic-typecheck
    "super-with-arguments": "R1725",  # super-with-arguments
    "useless-object-inheritance": "R0205",  # useless-object-inheritance
    "range-len-loop": "C0200",  # consider-using-enumerate
    "dict-keys-call": "C0201",  # consider-iterating-dictionary
    "open-without-with": "R1732",  # consider-using-with
    "if-in-then-get": "R1715",  # consider-using-get
    "lambda-assignment": "C3001",  # unnecessary-lambda-assignment
    "return-outside-function": "E0104",  # return-outside-function
    "late-future-import": "W0410",  # misplaced-future (module level only)
    "nonlocal-without-binding": "E0117",  # nonlocal-without-binding
    "yield-outside-function": "E0105",  # yield-outside-function
    "break-outside-loop": "E0103",  # not-in-loop
    "await-outside-async": "E1142",  # await-outside-async
    "open-without-encoding": "W1514",  # unspecified-encoding (if the rule exists)
    "unspecified-encoding": "W1514",
    "call-in-default-argument": None,
    "decorator-without-wraps": None,
    "if-in-then-setdefault": None,
    "map-filter-lambda": None,
    "py2-except-comma": None,  # a syntax error for pylint (E0001)
    "py2-exec-statement": None,
    "py2-print-statement": None,
    "py2-raise-comma": None,
    "zip-without-strict": None,
}

# A small file with one finding per rule, for `initialize` → first diagnostics
# and to check that each server really reports with the configured rules.
SMALL_FILE = '''\
import functools
import time

table = {"a": 1}
if "a" in table:
    value = table["a"]
else:
    value = 0


def deco(f):
    def inner(*a, **k):
        return f(*a, **k)
    return inner


def f(x=[], y=dict(), when=time.time()):
    try:
        pass
    except:
        pass
    if x == None:
        pass
    if type(x) == type(y):
        pass
    for i in range(len(x)):
        print(x[i])
    for k in y.keys():
        print(k)
    g = lambda v: v + 1
    m = list(map(lambda v: v * 2, x))
    fh = open("f.txt")
    pairs = list(zip(x, x))
    if "b" not in y:
        y["b"] = []
    y["b"].append(1)
    return g, m, fh, pairs, when


class A(object):
    def __init__(self):
        super(A, self).__init__()
'''


# ---------------------------------------------------------------- utilities

def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def pct(values, p):
    """The p-th percentile (nearest rank) of values."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s) - 1e-9) - 1))
    return s[k]


def med(values):
    return statistics.median(values) if values else float("nan")


def two_cpus():
    """The first two CPUs this process may run on (the 2-thread runs are pinned there)."""
    cpus = sorted(os.sched_getaffinity(0))
    return set(cpus[:2])


def pinned_env(extra=None):
    env = dict(os.environ)
    env["RAYON_NUM_THREADS"] = "2"  # ruff
    env.pop("VIRTUAL_ENV", None)
    env.update(extra or {})
    return env


def timed(cmd, cpus, env=None, cwd=None, out=None):
    """Wall time of one run, pinned to `cpus`, stdout to /dev/null or the file `out`;
    returns (seconds, exit code, stderr).

    The child inherits the pinning from this thread, pinned just around the
    run, rather than pinning itself in a `preexec_fn`: with a `preexec_fn`
    Python forks this whole process instead of using vfork, which added
    2.3 ms per run here against 1.0 ms (this script with the corpus loaded,
    20 MB; more as it grows) to every tool's time: about 1% of `pyexplain
    check`'s on the 50 files, nothing against pylint's."""
    sink = open(out, "wb") if out else subprocess.DEVNULL
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=sink, stderr=subprocess.PIPE, env=env or pinned_env(), cwd=cwd)
        dt = time.perf_counter() - t0
    finally:
        os.sched_setaffinity(0, before)
    if out:
        sink.close()
    return dt, p.returncode, p.stderr.decode(errors="replace")


def count_findings(path):
    """Findings per rule/code in a `path:line:col: CODE …` report (pyexplain text, ruff concise, pylint text)."""
    counts = {}
    for line in Path(path).read_text(errors="replace").splitlines():
        m = re.match(r".+?:\d+:\d+: ([A-Za-z][\w-]*)", line)
        if m:
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


# ---------------------------------------------------------------- set-up

def build(skip):
    if skip:
        log("skipping cargo build (--no-build)")
    else:
        log("cargo build --release --bins --features parse-floor")
        subprocess.run(["cargo", "build", "--release", "--bins", "--features", "parse-floor"], cwd=ROOT, check=True)
    for b in (PYEXPLAIN, FLOOR):
        if not b.exists():
            sys.exit(f"missing {b}: run cargo build --release --bins --features parse-floor")


def venv(skip_install):
    if not (VBIN / "python").exists():
        log(f"creating virtualenv {VENV}")
        if subprocess.run([sys.executable, "-m", "venv", str(VENV)]).returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)
            sys.exit("could not create the virtualenv (on Debian/Ubuntu: apt-get install python3-venv)")
    if not skip_install or not all((VBIN / t).exists() for t in ("ruff", "pylint", "jedi-language-server")):
        log("pip install ruff pylint jedi-language-server")
        subprocess.run(
            [str(VBIN / "python"), "-m", "pip", "install", "-q", "--upgrade", "pip", "ruff", "pylint", "jedi-language-server"],
            check=True,
        )


def versions():
    v = {}
    v["pyexplain"] = run([str(PYEXPLAIN), "--version"]).strip()
    v["ruff"] = run([str(VBIN / "ruff"), "--version"]).strip()
    v["pylint"] = run([str(VBIN / "pylint"), "--version"]).splitlines()[0].strip()
    v["jedi-language-server"] = run([str(VBIN / "jedi-language-server"), "--version"]).strip()
    v["jedi"] = run([str(VBIN / "python"), "-c", "import jedi; print(jedi.__version__)"]).strip()
    v["python (corpus)"] = platform.python_version()
    try:
        v["rustc"] = run(["rustc", "--version"]).strip()
    except Exception:
        v["rustc"] = "?"
    lock = (ROOT / "Cargo.lock").read_text()
    for crate in ("tree-sitter", "tree-sitter-python"):
        m = re.search(r'name = "%s"\nversion = "([^"]+)"' % re.escape(crate), lock)
        v[crate] = m.group(1) if m else "?"
    return v


def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    osname = platform.platform()
    try:
        rel = dict(l.rstrip().split("=", 1) for l in open("/etc/os-release") if "=" in l)
        osname = rel.get("PRETTY_NAME", osname).strip('"') + f" (kernel {platform.release()})"
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "CPU": model,
        "logical CPUs": f"{os.cpu_count()} (this run may use {len(os.sched_getaffinity(0))}; 2-thread runs pinned to CPUs {sorted(two_cpus())})",
        "memory": mem,
        "OS": osname,
    }


def rules():
    """Default-on rules: [(id, ruff codes)] from `pyexplain rules`."""
    out = []
    for line in run([str(PYEXPLAIN), "rules"]).splitlines()[1:]:
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 4 or parts[1] != "on":
            continue
        codes = [] if parts[3] in ("-", "") else [c.strip() for c in re.split(r"[ ,]+", parts[3]) if c.strip()]
        out.append((parts[0], codes))
    return out


def stdlib_files():
    lib = Path(sysconfig.get_paths()["stdlib"])
    files = []
    for dirpath, dirnames, filenames in os.walk(lib):
        dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "dist-packages", "__pycache__"))
        files.extend(Path(dirpath) / f for f in sorted(filenames) if f.endswith(".py"))
    files.sort()
    return lib, files


def count_lines(files):
    n = 0
    size = 0
    for f in files:
        b = f.read_bytes()
        n += b.count(b"\n")
        size += len(b)
    return n, size


def make_big_file(lib):
    """typing.py repeated, cut at a top-level statement and padded to exactly BIG_LINES lines."""
    src = (lib / "typing.py").read_text(encoding="utf-8").splitlines(keepends=True)
    lines = []
    while len(lines) < BIG_LINES:
        lines.extend(src)
    cut = BIG_LINES
    text = "".join(lines[:cut])
    while True:
        try:
            ast.parse(text)
            break
        except SyntaxError:
            cut -= 1
            # Only try cuts before a line that starts a top-level statement.
            while cut > 0 and not re.match(r"[A-Za-z_@]", lines[cut]):
                cut -= 1
            text = "".join(lines[:cut])
    pad = [f"_bench_pad_{i} = {i}\n" for i in range(BIG_LINES - cut)]
    text = "".join(lines[:cut] + pad)
    ast.parse(text)
    assert text.count("\n") == BIG_LINES
    return text


# ---------------------------------------------------------------- LSP client

class Server:
    """One language server over stdio; a reader thread timestamps each message on arrival."""

    def __init__(self, name, cmd, logdir, cpus=None):
        self.name = name
        self.stderr = open(logdir / f"{name}.stderr.log", "wb")
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=pinned_env(),
            cwd=logdir,
            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
        )
        self.next_id = 0
        self.unversioned = 0  # publications matched without a version
        self.wlock = threading.Lock()
        self.inbox = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        buf = b""
        while True:
            while b"\r\n\r\n" not in buf:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    self.inbox.put((time.perf_counter(), None))
                    return
                buf += chunk
            head, buf = buf.split(b"\r\n\r\n", 1)
            length = int(re.search(rb"Content-Length:\s*(\d+)", head, re.I).group(1))
            while len(buf) < length:
                chunk = os.read(fd, max(1 << 16, length - len(buf)))
                if not chunk:
                    self.inbox.put((time.perf_counter(), None))
                    return
                buf += chunk
            body, buf = buf[:length], buf[length:]
            t = time.perf_counter()
            msg = json.loads(body)
            if "method" in msg and "id" in msg:
                self._answer(msg)
            self.inbox.put((t, msg))

    def _answer(self, msg):
        # Requests from the server: configuration → null items; anything else → null.
        result = None
        if msg["method"] == "workspace/configuration":
            result = [None for _ in msg.get("params", {}).get("items", [])]
        self._send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    def _send(self, obj):
        body = json.dumps(obj).encode()
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        with self.wlock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def notify(self, method, params):
        """Send a notification; returns the time just before writing."""
        t = time.perf_counter()
        self._send({"jsonrpc": "2.0", "method": method, "params": params})
        return t

    def request(self, method, params):
        self.next_id += 1
        rid = self.next_id
        t = time.perf_counter()
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return rid, t

    def wait(self, pred, timeout=120.0):
        """Messages until pred(msg) holds; returns (arrival time, msg)."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no expected message within {timeout} s")
            try:
                t, msg = self.inbox.get(timeout=left)
            except queue.Empty:
                raise TimeoutError(f"{self.name}: no expected message within {timeout} s")
            if msg is None:
                raise RuntimeError(f"{self.name} exited (see its stderr log)")
            if pred(msg):
                return t, msg

    def response(self, rid, timeout=120.0):
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout)

    def diagnostics(self, uri, version, timeout=120.0):
        """The next publishDiagnostics for uri with this version (or without a version, if the server sends none)."""

        def ok(m):
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            p = m["params"]
            return p["uri"] == uri and (version is None or p.get("version") in (version, None))

        t, msg = self.wait(ok, timeout)
        if version is not None and msg["params"].get("version") is None:
            self.unversioned += 1
        return t, msg

    def initialize(self, root, options):
        rid, _ = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {
                    "general": {"positionEncodings": ["utf-16"]},
                    "textDocument": {
                        "synchronization": {"didSave": False},
                        "publishDiagnostics": {"versionSupport": True},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                    },
                    "workspace": {"configuration": False, "didChangeConfiguration": {"dynamicRegistration": False}},
                },
                "initializationOptions": options,
            },
        )
        _, resp = self.response(rid)
        if "error" in resp:
            raise RuntimeError(f"{self.name}: initialize failed: {resp['error']}")
        self.notify("initialized", {})
        return resp["result"]

    def open(self, uri, text, version=0):
        return self.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}}
        )

    def change(self, uri, version, line, char, end_char, text):
        return self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {"range": {"start": {"line": line, "character": char}, "end": {"line": line, "character": end_char}}, "text": text}
                ],
            },
        )

    def hover(self, uri, line, char):
        rid, t0 = self.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": char}})
        t1, resp = self.response(rid)
        return t1 - t0, resp.get("result")

    def ping(self):
        """Round trip of a request the server does not know (answered with an error): the client and pipe overhead."""
        rid, t0 = self.request("pyexplainBench/ping", {})
        t1, _ = self.response(rid, timeout=30)
        return t1 - t0

    def peak_rss_kib(self):
        try:
            for line in open(f"/proc/{self.proc.pid}/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return None

    def close(self):
        try:
            rid, _ = self.request("shutdown", None)
            self.response(rid, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


def server_cmds(codes):
    """(name, command, initializationOptions) for each server."""
    ruff_opts = {
        "settings": {
            "lint": {"select": codes},
            "configuration": {"target-version": PYTHON_TARGET},
            "configurationPreference": "editorOnly",
            "showSyntaxErrors": True,
        }
    }
    # jedi-language-server's diagnostics are debounced by 1 s in a background thread: off, so
    # that they neither delay the edits nor run during a timed hover.
    jedi_opts = {"diagnostics": {"enable": False}}
    return {
        "pyexplain": ([str(PYEXPLAIN), "serve"], {}),
        "ruff": ([str(VBIN / "ruff"), "server"], ruff_opts),
        "jedi": ([str(VBIN / "jedi-language-server")], jedi_opts),
    }


def codes_of(diags):
    out = set()
    for d in diags:
        c = d.get("code")
        if isinstance(c, dict):
            c = c.get("value")
        if c is not None:
            out.add(str(c))
    return out


# ---------------------------------------------------------------- edits

def plan_edits(text, n, seed=6):
    """n one-character edits on single-line statements, each cycle restoring the text.

    Cycles (in rotation): rename a name by typing one letter and deleting it
    (valid); open a string quote at the start of a statement (breaks the
    syntax), close it at the end of the line (valid again: the statement is now
    a string), delete the closing quote (broken), delete the opening one
    (restored); open a parenthesis before a name (broken) and delete it.
    Returns ([(line, char, end_char, text, breaks_syntax)], edited line numbers).
    """
    lines = text.split("\n")
    tree = ast.parse(text)
    stmts = []
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno == node.end_lineno and not isinstance(node, (ast.Expr, ast.Pass)):
            line = lines[node.lineno - 1]
            if line.isascii() and len(line) > node.col_offset + 3 and not line.rstrip().endswith("\\"):
                stmts.append((node.lineno - 1, node.col_offset, len(line.rstrip())))
        if isinstance(node, ast.Name) and node.lineno == node.end_lineno and lines[node.lineno - 1].isascii():
            names.append((node.lineno - 1, node.col_offset, node.end_col_offset))
    # Keep only statements whose line holds nothing else (no comment, no `;`) and no `"` or
    # backslash, so that quoting the whole line gives a valid string.
    stmts = [s for s in stmts if not any(c in lines[s[0]] for c in '#;"\\')]
    stmts.sort()
    names.sort()
    rng = random.Random(seed)
    edits = []
    used = set()
    kind = 0
    while len(edits) < n:
        if kind % 3 == 0:
            ln, c0, c1 = rng.choice(names)
            edits += [(ln, c1, c1, "x", False), (ln, c1, c1 + 1, "", False)]
        elif kind % 3 == 1:
            ln, c0, end = rng.choice(stmts)
            # After the opening quote the line is one character longer.
            edits += [
                (ln, c0, c0, '"', True),
                (ln, end + 1, end + 1, '"', False),
                (ln, end + 1, end + 2, "", True),
                (ln, c0, c0 + 1, "", False),
            ]
        else:
            ln, c0, c1 = rng.choice(names)
            edits += [(ln, c0, c0, "(", True), (ln, c0, c0 + 1, "", False)]
        used.add(ln)
        kind += 1
    return edits[:n], used


def apply_edit(lines, e):
    ln, c0, c1, t, _ = e
    lines[ln] = lines[ln][:c0] + t + lines[ln][c1:]


def hover_targets(text, avoid):
    """Positions of keywords (yield, def, return, class, with, lambda…) on lines no edit touches."""
    out = []
    for i, line in enumerate(text.split("\n")):
        if i in avoid or not line.isascii():
            continue
        m = re.match(r"\s*(yield|def|return|class|with|lambda|raise|for|while|import|async)\b", line)
        if m:
            out.append((i, m.start(1), m.group(1)))
    by_kw = {}
    for t in out:
        by_kw.setdefault(t[2], []).append(t)
    picked = []
    for kw in ("yield", "def", "return", "class", "with", "raise", "for", "import"):
        if kw in by_kw:
            lst = by_kw[kw]
            picked.append(lst[len(lst) // 2])
    return picked


# ---------------------------------------------------------------- measurements

def bench_lsp(work, big, codes, n_edits, cpus):
    uri = (work / "big.py").as_uri()
    (work / "big.py").write_text(big)
    cmds = server_cmds(codes)
    res = {"notes": []}
    servers = {}
    for name in ("pyexplain", "ruff", "jedi"):
        cmd, opts = cmds[name]
        s = Server(name, cmd, work, cpus)
        caps = s.initialize(work, opts)["capabilities"]
        servers[name] = s
        if name == "ruff":
            res["ruff_pull"] = bool(caps.get("diagnosticProvider"))
    for name, s in servers.items():
        s.open(uri, big, 0)
    first = {}
    for name in ("pyexplain", "ruff"):
        _, msg = servers[name].diagnostics(uri, None, timeout=300)
        first[name] = msg["params"]
    res["diag_counts_open"] = {n: len(p["diagnostics"]) for n, p in first.items()}

    edits, used = plan_edits(big, n_edits)
    targets = hover_targets(big, used)
    lines = big.split("\n")
    lat = {"pyexplain": [], "ruff": []}
    broken = {"pyexplain": [], "ruff": []}
    hov = {"pyexplain": [], "jedi": []}
    hover_empty = {"pyexplain": {}, "jedi": {}}
    res["ping"] = {}
    for name, s in servers.items():
        res["ping"][name] = med([s.ping() for _ in range(30)])
    for name in ("pyexplain", "jedi"):  # untimed: jedi loads its caches on the first request
        ln, col, _kw = targets[0]
        servers[name].hover(uri, ln, col)
    for i, e in enumerate(edits):
        v = i + 1
        apply_edit(lines, e)
        servers["jedi"].change(uri, v, e[0], e[1], e[2], e[3])
        order = ("pyexplain", "ruff") if i % 2 == 0 else ("ruff", "pyexplain")
        for name in order:
            s = servers[name]
            t0 = s.change(uri, v, e[0], e[1], e[2], e[3])
            t1, _ = s.diagnostics(uri, v)
            lat[name].append(t1 - t0)
            if e[4]:
                broken[name].append(t1 - t0)
        ln, col, kw = targets[i % len(targets)]
        for name in (("pyexplain", "jedi") if i % 2 == 0 else ("jedi", "pyexplain")):
            dt, result = servers[name].hover(uri, ln, col)
            hov[name].append(dt)
            if not result:
                hover_empty[name][kw] = hover_empty[name].get(kw, 0) + 1
    # The text each server holds must still be the planned one: check via a final
    # full-text comparison of diagnostics counts after the edits (all cycles restore).
    final = "\n".join(lines)
    res["restored"] = final == big
    res["rss"] = {n: s.peak_rss_kib() for n, s in servers.items()}
    res["unversioned"] = {n: s.unversioned for n, s in servers.items()}
    res["lat"] = lat
    res["broken"] = broken
    res["hover"] = hov
    res["hover_empty"] = hover_empty
    res["hover_keywords"] = sorted({t[2] for t in targets})
    res["n_edits"] = len(edits)
    res["n_broken"] = sum(1 for e in edits if e[4])
    for s in servers.values():
        s.close()
    return res


def bench_startup(work, codes, reps, cpus, rule_ids):
    """Spawn → initialize → didOpen small file → first publishDiagnostics; also checks the findings."""
    (work / "small.py").write_text(SMALL_FILE)
    uri = (work / "small.py").as_uri()
    cmds = server_cmds(codes)
    # jedi-language-server is left out: it debounces every diagnostics run by 1 s.
    times = {"pyexplain": [], "ruff": []}
    found = {}
    for r in range(reps):
        names = ("pyexplain", "ruff") if r % 2 == 0 else ("ruff", "pyexplain")
        for name in names:
            cmd, opts = cmds[name]
            s = Server(name, cmd, work, cpus)
            s.initialize(work, opts)
            s.open(uri, SMALL_FILE, 1)
            t1, msg = s.diagnostics(uri, None, timeout=120)
            times[name].append(t1 - s.t_spawn)
            found[name] = codes_of(msg["params"]["diagnostics"])
            s.close()
    return times, found


def bench_check(lib, files, codes, runs, cpus, work):
    lst = work / "stdlib-files.txt"
    lst.write_text("\n".join(str(f) for f in files) + "\n")
    paths = [str(f) for f in files]
    ruff = str(VBIN / "ruff")
    common = ["check", "--no-cache", "--isolated", "--target-version", PYTHON_TARGET, "--output-format", "concise", "--exit-zero"]
    cmds = {
        "pyexplain": [str(PYEXPLAIN), "check"] + paths,
        "floor": [str(FLOOR), "--files-from", str(lst)],
        "ruff-rules": [ruff] + common + ["--select", ",".join(codes)] + paths,
        "ruff-all": [ruff] + common + ["--select", "ALL"] + paths,
    }
    times = {k: [] for k in cmds}
    found = {}
    notes = []
    names = list(cmds)
    for r in range(runs + 1):  # run 0 warms the page cache and is dropped
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            out = work / f"{name}.out" if r == 0 else None
            dt, rc, err = timed(cmds[name], cpus, cwd=work, out=out)
            if r == 0:
                if name != "floor":
                    found[name] = count_findings(out)
                if name == "pyexplain" and rc == 2:
                    bad = [l for l in err.splitlines() if "cannot decode" in l]
                    encs = sorted({m.group(1) for l in bad for m in [re.search(r"cannot decode as (\S+?);", l)] if m})
                    notes.append(
                        f"pyexplain check exited 2: it skipped {len(bad)} files it cannot decode "
                        f"(encodings: {', '.join(encs)}); the other tools read them"
                        + ("" if bad else ": " + " / ".join(l for l in err.splitlines() if l)[:300])
                    )
                elif name not in ("pyexplain",) and rc != 0:
                    notes.append(f"{name} exited {rc}: {err.strip()[:300]}")
                continue
            times[name].append(dt)
    return times, found, notes


def bench_pylint(files, ids, runs, cpus, work):
    """pylint (-j 2, only the corresponding messages) against pyexplain check on the same 50 files."""
    rc = work / "pylintrc"
    rc.write_text("[MAIN]\npersistent=no\n")
    paths = [str(f) for f in files]
    cmds = {
        "pyexplain": [str(PYEXPLAIN), "check"] + paths,
        "pylint": [str(VBIN / "pylint"), f"--rcfile={rc}", "-j", "2", "--disable=all", "--enable=" + ",".join(ids), "--score=n"]
        + paths,
    }
    times = {k: [] for k in cmds}
    found = {}
    timed(cmds["pyexplain"], cpus, cwd=work)  # warm-up (the whole-tree runs warmed the page cache)
    for r in range(runs):
        order = ("pylint", "pyexplain") if r % 2 == 0 else ("pyexplain", "pylint")
        for name in order:
            # pyexplain takes about a hundredth of pylint's time, so one run
            # of it is at the mercy of a scheduling hiccup on a shared VM:
            # it runs PYEXPLAIN_PER_PYLINT times per pylint run, and the
            # median is over all of them.
            for i in range(PYEXPLAIN_PER_PYLINT if name == "pyexplain" else 1):
                out = work / f"{name}-50.out" if r == 0 and i == 0 else None
                dt, code, err = timed(cmds[name], cpus, cwd=work, out=out)
                times[name].append(dt)
                if out:
                    found[name] = count_findings(out)
    return times, found


PYEXPLAIN_PER_PYLINT = 5


def pylint_known_ids():
    out = run([str(VBIN / "pylint"), "--list-msgs"])
    return set(re.findall(r"\(([A-Z]\d{4})\)", out))


# ---------------------------------------------------------------- report

# ---------------------------------------------------------------- load

LOAD_DOCS = 200
LOAD_REQUESTS = 20_000
LOAD_HOVERS = 1_000


def rss_kib(pid, field):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def bench_load(work, lib, files, cpus, seed=13):
    """200 documents open, 20,000 mixed messages from a client that does not wait, then hover latency
    on the 10,000-line file while edits flow. pyexplain only."""
    rnd = random.Random(seed)
    s = Server("pyexplain", [str(PYEXPLAIN), "serve"], work, cpus)
    s.initialize(work, {})
    big = make_big_file(lib)
    docs = [((work / "big.py").as_uri(), big)]
    for f in files:
        if len(docs) >= LOAD_DOCS:
            break
        try:
            text = f.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if 50 <= text.count("\n") <= 5_000:
            docs.append(((work / f"doc{len(docs)}.py").as_uri(), text))
    versions = {}
    lines = {}
    t_open = time.perf_counter()
    for uri, text in docs:
        versions[uri] = 1
        lines[uri] = text.split("\n")
        s.open(uri, text, 1)
    # Wait for every document's first diagnostics.
    pending = {uri for uri, _ in docs}
    while pending:
        _, m = s.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] in pending, 600)
        pending.discard(m["params"]["uri"])
    open_s = time.perf_counter() - t_open
    rss_open = rss_kib(s.proc.pid, "VmRSS")

    # The flood: nothing waits for an answer until all is sent.
    sent = {}
    counts = {"didChange": 0, "hover": 0, "codeAction": 0}
    inserted = {}  # uri -> line holding our inserted character, to delete next
    t_flood = time.perf_counter()
    for _ in range(LOAD_REQUESTS):
        uri, _text = docs[rnd.randrange(len(docs))]
        ls = lines[uri]
        kind = rnd.choices(["didChange", "hover", "codeAction"], [2, 2, 1])[0]
        counts[kind] += 1
        ln = rnd.randrange(len(ls))
        if kind == "didChange":
            versions[uri] += 1
            if uri in inserted:
                ln = inserted.pop(uri)
                s.change(uri, versions[uri], ln, 0, 1, "")
            else:
                inserted[uri] = ln
                s.change(uri, versions[uri], ln, 0, 0, "x")
        elif kind == "hover":
            col = rnd.randrange(len(ls[ln]) + 1)
            rid, t = s.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": ln, "character": col}})
            sent[rid] = ("hover", t)
        else:
            p = {"line": ln, "character": 0}
            rid, t = s.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": p, "end": p}, "context": {"diagnostics": []}})
            sent[rid] = ("codeAction", t)
    send_s = time.perf_counter() - t_flood
    lat = {"hover": [], "codeAction": []}
    errors = 0
    while sent:
        t, m = s.wait(lambda m: "method" not in m and m.get("id") in sent, 600)
        kind, t0 = sent.pop(m["id"])
        lat[kind].append(t - t0)
        errors += "error" in m
    flood_s = time.perf_counter() - t_flood
    peak = s.peak_rss_kib()

    # Hover latency on the 10,000-line file while a thread sends an edit every
    # 10 ms (100 keystrokes a second, beyond any typist): edits are applied in
    # arrival order, so a client that sends them faster than the server can
    # reparse builds a queue that every later request waits behind.
    big_uri = docs[0][0]
    stop = threading.Event()

    def edits():
        inserted_ln = None
        while not stop.is_set():
            versions[big_uri] += 1
            if inserted_ln is None:
                inserted_ln = rnd.randrange(BIG_LINES)
                s.change(big_uri, versions[big_uri], inserted_ln, 0, 0, "x")
            else:
                s.change(big_uri, versions[big_uri], inserted_ln, 0, 1, "")
                inserted_ln = None
            time.sleep(0.010)

    th = threading.Thread(target=edits)
    th.start()
    targets = hover_targets(big, set())
    hov = []
    for i in range(LOAD_HOVERS):
        ln, col, _kw = targets[i % len(targets)]
        dt, _ = s.hover(big_uri, ln, col)
        hov.append(dt)
    stop.set()
    th.join()
    n_edits_during = versions[big_uri]

    for uri, _ in docs:
        s.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    s.ping()
    time.sleep(2)
    s.ping()
    rss_closed = rss_kib(s.proc.pid, "VmRSS")
    peak = max(peak or 0, s.peak_rss_kib() or 0)
    s.close()
    all_lat = lat["hover"] + lat["codeAction"]
    return {
        "docs": len(docs), "doc_lines": sum(t.count("\n") for _, t in docs), "open_s": open_s, "rss_open": rss_open,
        "counts": counts, "send_s": send_s, "flood_s": flood_s, "errors": errors,
        "lat": lat, "slowest": max(all_lat), "peak": peak, "rss_closed": rss_closed,
        "hover_flow": hov, "edits_during": n_edits_during,
    }


def report_load(r):
    h, c, f = r["lat"]["hover"], r["lat"]["codeAction"], r["hover_flow"]
    out = [
        "## Load",
        "",
        f"`tests/bench/bench.py --load`: one pyexplain server, {r['docs']} documents open (the {BIG_LINES:,}-line file and "
        f"standard-library modules of 50-5,000 lines, {r['doc_lines']:,} lines in all), then {sum(r['counts'].values()):,} "
        f"messages sent without waiting for any answer ({r['counts']['didChange']:,} didChange, {r['counts']['hover']:,} hover, "
        f"{r['counts']['codeAction']:,} codeAction without `only`, on random documents and lines; the server has no "
        "documentSymbol), then the answers collected.",
        "",
        "| Figure | Value |",
        "|---|---|",
        f"| Open 200 documents, until every first publishDiagnostics | {r['open_s']:.2f} s |",
        f"| RSS with 200 documents open | {r['rss_open'] / 1024:.0f} MB |",
        f"| Sending the {sum(r['counts'].values()):,} messages / until the last answer | {r['send_s']:.2f} s / {r['flood_s']:.2f} s |",
        f"| Answers that were errors | {r['errors']} |",
        f"| Hover under the flood, p50 / p99 (queued behind the flood) | {ms(med(h))} / {ms(pct(h, 99))} |",
        f"| codeAction under the flood, p50 / p99 | {ms(med(c))} / {ms(pct(c, 99))} |",
        f"| Slowest request (sent to answered) | {ms(r['slowest'])} |",
        f"| Peak RSS (VmHWM) | {r['peak'] / 1024:.0f} MB |",
        f"| RSS after didClose of all 200 | {r['rss_closed'] / 1024:.0f} MB |",
        f"| Hover on the {BIG_LINES:,}-line file while an edit arrives every 10 ms: p50 / p99 / max ({len(f)} hovers, "
        f"{r['edits_during']:,} edits) | {ms(med(f))} / {ms(pct(f, 99))} / {ms(max(f))} |",
        "",
    ]
    return "\n".join(out)


def ms(x):
    return f"{x * 1000:.2f} ms" if x == x else "n/a"


def fmt_rate(lines, secs):
    return f"{lines / secs:,.0f} lines/s"


def yes(ok):
    return "yes" if ok else "**no**"


def report(args, mach, vers, corpus, lsp, startup, check, pylint, notes):
    L = []
    L.append("| figure | pyexplain | compared with | ratio | target | met? |")
    L.append("|---|---|---|---|---|---|")
    if lsp:
        p, r = lsp["lat"]["pyexplain"], lsp["lat"]["ruff"]
        pm, rm = med(p), med(r)
        L.append(
            f"| keystroke: one-character `didChange` in the {BIG_LINES:,}-line file → `publishDiagnostics` for that version, "
            f"{lsp['n_edits']} edits ({lsp['n_broken']} break the syntax) | median {ms(pm)}, p95 {ms(pct(p, 95))} "
            f"| `ruff server` (push diagnostics): median {ms(rm)}, p95 {ms(pct(r, 95))} | {pm / rm:.2f}× (median), "
            f"{pct(p, 95) / pct(r, 95):.2f}× (p95) | median ≤ 3 ms and ≤ 0.5× ruff server's; report p95 "
            f"| {yes(pm <= 0.003 and pm <= 0.5 * rm)} |"
        )
        pb, rb = lsp["broken"]["pyexplain"], lsp["broken"]["ruff"]
        L.append(
            f"| the same, only the {len(pb)} edits that break the syntax | median {ms(med(pb))}, p95 {ms(pct(pb, 95))} "
            f"| median {ms(med(rb))}, p95 {ms(pct(rb, 95))} | {med(pb) / med(rb):.2f}× | report | – |"
        )
        h, j = lsp["hover"]["pyexplain"], lsp["hover"]["jedi"]
        L.append(
            f"| hover on a keyword ({', '.join('`' + k + '`' for k in lsp['hover_keywords'])}) in the {BIG_LINES:,}-line file, "
            f"after each edit's diagnostics | median {ms(med(h))}, p95 {ms(pct(h, 95))} "
            f"| `jedi-language-server`: median {ms(med(j))}, p95 {ms(pct(j, 95))} | {med(h) / med(j):.3f}× | median ≤ 1 ms "
            f"| {yes(med(h) <= 0.001)} |"
        )
    if check:
        t, lines = check["times"], corpus["lines"]
        pe, fl = med(t["pyexplain"]), med(t["floor"])
        L.append(
            f"| `check` over the standard library ({corpus['files']:,} files, {lines:,} lines, {corpus['mb']:.1f} MB), "
            f"all default rules, 2 threads | {pe:.3f} s, {fmt_rate(lines, pe)} | tree-sitter parse alone (`parse-floor`): "
            f"{fl:.3f} s, {fmt_rate(lines, fl)} | {pe / fl:.2f}× the floor | ≤ 1.5× the floor | {yes(pe <= 1.5 * fl)} |"
        )
        rr, ra = med(t["ruff-rules"]), med(t["ruff-all"])
        L.append(
            f"| the same | | `ruff check --no-cache` with the corresponding rules ({len(corpus['codes'])} codes): {rr:.3f} s, "
            f"{fmt_rate(lines, rr)} | {pe / rr:.2f}× ruff's time | report | – |"
        )
        L.append(
            f"| the same | | `ruff check --no-cache --select ALL --output-format concise`: {ra:.3f} s, {fmt_rate(lines, ra)} "
            f"| {pe / ra:.2f}× ruff's time | report | – |"
        )
    if pylint:
        t = pylint["times"]
        pe, pl = med(t["pyexplain"]), med(t["pylint"])
        n = pylint["lines"]
        L.append(
            f"| the same, on a 50-file sample ({n:,} lines) | {fmt_rate(n, pe)} ({pe:.3f} s) "
            f"| pylint -j 2 with the corresponding checks ({', '.join(pylint['ids'])}): {fmt_rate(n, pl)} ({pl:.2f} s) "
            f"| {pl / pe:.0f}× pylint's throughput | ≥ 100× pylint's throughput | {yes(pl / pe >= 100)} |"
        )
    if startup:
        ts = startup["times"]
        L.append(
            f"| spawn + `initialize` → first diagnostics for a small file ({SMALL_FILE.count(chr(10))} lines), median of "
            f"{len(ts['pyexplain'])} | {ms(med(ts['pyexplain']))} | `ruff server`: {ms(med(ts['ruff']))} "
            f"| {med(ts['pyexplain']) / med(ts['ruff']):.2f}× ruff server's | report | – |"
        )
    if lsp:
        rss = lsp["rss"]
        pr, rr = rss.get("pyexplain"), rss.get("ruff")
        if pr and rr:
            L.append(
                f"| peak memory (VmHWM) with the {BIG_LINES:,}-line file open after {lsp['n_edits']} edits | {pr / 1024:.1f} MiB "
                f"| `ruff server`: {rr / 1024:.1f} MiB (`jedi-language-server`: {(rss.get('jedi') or 0) / 1024:.1f} MiB) "
                f"| {pr / rr:.2f}× | ≤ ruff server's | {yes(pr <= rr)} |"
            )
    out = []
    out.append(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
               f"{' (--quick)' if args.quick else ''}; load average before/after: {notes['load_before']} / {notes['load_after']}.")
    out.append("")
    out.extend(L)
    out.append("")
    out.append("Ratios are pyexplain's figure over the other tool's (times and memory: lower is better), except throughput "
               "against pylint (pylint's time over pyexplain's: higher is better).")
    out.append("")
    def counts(c):
        return f"{sum(c.values()):,} (" + ", ".join(f"{k} {v:,}" for k, v in sorted(c.items(), key=lambda kv: -kv[1])) + ")"

    if check or pylint:
        out.append("Findings reported (a sanity check that the rule sets correspond; from the untimed first run):")
        out.append("")
        if check:
            f = check["found"]
            out.append(f"- standard library, pyexplain: {counts(f.get('pyexplain', {}))}")
            out.append(f"- standard library, ruff with the corresponding codes: {counts(f.get('ruff-rules', {}))}")
            out.append(f"- standard library, ruff `--select ALL`: {sum(f.get('ruff-all', {}).values()):,}")
        if pylint:
            f = pylint["found"]
            out.append(f"- 50-file sample, pyexplain: {counts(f.get('pyexplain', {}))}")
            out.append(f"- 50-file sample, pylint: {counts(f.get('pylint', {}))}")
        out.append("")
    if lsp:
        p = lsp["ping"]
        out.append(
            f"Client and pipe overhead (round trip of an unknown request, median): pyexplain {ms(p['pyexplain'])}, "
            f"ruff server {ms(p['ruff'])}, jedi-language-server {ms(p['jedi'])}; included in the LSP figures above. "
            f"Diagnostics on opening the {BIG_LINES:,}-line file: pyexplain {lsp['diag_counts_open']['pyexplain']}, "
            f"ruff server {lsp['diag_counts_open']['ruff']}."
        )
        out.append("")
    out.append("Machine and versions:")
    out.append("")
    for k, v in list(mach.items()) + list(vers.items()):
        out.append(f"- {k}: {v}")
    out.append("")
    out.append("Method:")
    out.append("")
    for n in notes["method"]:
        out.append(f"- {n}")
    if notes["warnings"]:
        out.append("")
        out.append("Warnings from this run:")
        out.append("")
        for n in notes["warnings"]:
            out.append(f"- {n}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main

PREAMBLE = """\
# Benchmarks

pyexplain against `ruff server`, `ruff check`, pylint and jedi-language-server,
and against a tree-sitter parse alone (the floor), on the machine's CPython
standard library (issue 6). Reproduce, from the repository root, on a fresh
Debian 12 machine with Rust, `python3` and `python3-venv` (pip must reach PyPI):

```sh
python3 tests/bench/bench.py --out BENCHMARKS.md    # about 15 minutes; --quick for a smaller run
```

It runs `cargo build --release --bins --features parse-floor` (`pyexplain` and
`parse-floor`), installs
ruff, pylint and jedi-language-server in `target/bench-venv`, measures, and
prints this page. Numbers depend on the machine and on its load: run it on a
quiet machine. `--raw FILE` keeps every sample as JSON; `--only lsp,startup,check,pylint`
runs some parts; `--help` lists the rest.

## Results

"""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a smaller run: 40 edits, 2 runs of each command, 3 start-ups")
    ap.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    ap.add_argument("--edits", type=int, help="edits per server (default 200; 40 with --quick)")
    ap.add_argument("--runs", type=int, help="timed runs of each whole-tree command (default 5; 2 with --quick)")
    ap.add_argument("--raw", type=Path, help="also write every sample (seconds) as JSON to this file")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build")
    ap.add_argument("--no-install", action="store_true", help="do not pip install when the venv already has the tools")
    ap.add_argument("--load", action="store_true", help="only the load figures (200 documents, 20,000 messages, hover while edits flow)")
    ap.add_argument("--only", default="lsp,startup,check,pylint", help="comma-separated parts to run (lsp,startup,check,pylint)")
    args = ap.parse_args()
    n_edits = args.edits or (40 if args.quick else 200)
    runs = args.runs or (2 if args.quick else 5)
    reps = 3 if args.quick else 10
    pylint_runs = 1 if args.quick else 3
    parts = set(args.only.split(","))

    build(args.no_build)
    if args.load:
        lib, files = stdlib_files()
        work = Path(tempfile.mkdtemp(prefix="pyexplain-load-"))
        log(f"load: {LOAD_DOCS} documents, {LOAD_REQUESTS} messages; work directory {work}")
        text = report_load(bench_load(work, lib, files, two_cpus()))
        print(text)
        if args.out:
            args.out.write_text(text)
        shutil.rmtree(work, ignore_errors=True)
        return
    venv(args.no_install)
    cpus = two_cpus()
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    mach, vers = machine(), versions()
    rl = rules()
    rule_ids = [r for r, _ in rl]
    codes = sorted({c for _, cs in rl for c in cs})
    lib, files = stdlib_files()
    nlines, size = count_lines(files)
    corpus = {"files": len(files), "lines": nlines, "mb": size / 1e6, "codes": codes}
    log(f"corpus: {lib}: {len(files)} files, {nlines} lines; ruff codes {','.join(codes)}")
    warnings = []
    work = Path(tempfile.mkdtemp(prefix="pyexplain-bench-"))
    log(f"work directory (server logs): {work}")

    startup = lsp = check = pyl = None
    if "startup" in parts:
        log(f"start-up: {reps} rounds")
        times, found = bench_startup(work, codes, reps, cpus, rule_ids)
        startup = {"times": times}
        missing_ruff = sorted(set(codes) - found["ruff"])
        extra_ruff = sorted(found["ruff"] - set(codes))
        missing_px = sorted(r for r in set(rule_ids) - found["pyexplain"] if not r.startswith("py2-"))  # py2 syntax is kept out of the small file
        if missing_ruff or extra_ruff:
            warnings.append(f"ruff server on the small file: codes not reported {missing_ruff}, unexpected {extra_ruff}")
        if missing_px:
            warnings.append(f"pyexplain on the small file: rules not reported {missing_px} (the small file may lack an example)")
        startup["found"] = found
        log(f"  small file: ruff reported {sorted(found['ruff'])}; pyexplain {len(found['pyexplain'])} rules")
    if "lsp" in parts:
        lib_big = make_big_file(lib)
        log(f"LSP: {n_edits} edits on the {BIG_LINES}-line file (pyexplain, ruff server, jedi-language-server)")
        lsp = bench_lsp(work, lib_big, codes, n_edits, cpus)
        for name in ("pyexplain", "ruff"):
            if lsp["unversioned"][name]:
                warnings.append(
                    f"{name} published diagnostics without a version {lsp['unversioned'][name]} times: "
                    "those edits were matched to the next publication"
                )
        if not lsp["restored"]:
            warnings.append("the edit plan did not restore the file (bug in the harness)")
        for name in ("pyexplain", "jedi"):
            empty = lsp["hover_empty"][name]
            if empty:
                warnings.append(
                    f"{name} returned no hover {sum(empty.values())} of {lsp['n_edits']} times "
                    f"(on {', '.join(f'`{k}`' for k in sorted(empty))}); those requests are timed all the same"
                )
        log(f"  diagnostics on open: {lsp['diag_counts_open']}")
    if "check" in parts:
        log(f"check: {runs} timed runs each of pyexplain, parse-floor, ruff (2 commands)")
        times, found, notes = bench_check(lib, files, codes, runs, cpus, work)
        check = {"times": times, "found": found}
        warnings.extend(notes)
    if "pylint" in parts:
        known = pylint_known_ids()
        ids = []
        for r in rule_ids:
            pid = PYLINT_FOR_RULE.get(r)
            if pid and pid in known and pid not in ids:
                ids.append(pid)
            elif pid and pid not in known:
                warnings.append(f"pylint {vers['pylint']} has no message {pid} (for {r})")
            elif r not in PYLINT_FOR_RULE:
                warnings.append(f"rule {r} has no pylint mapping in tests/bench/bench.py")
        step = len(files) / 50
        sample = [files[int(i * step)] for i in range(50)]
        n, _ = count_lines(sample)
        log(f"pylint: {pylint_runs} timed runs on 50 files ({n} lines), messages {','.join(ids)}")
        times, found = bench_pylint(sample, ids, pylint_runs, cpus, work)
        pyl = {"times": times, "found": found, "lines": n, "ids": ids}
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())

    no_ruff = [r for r, cs in rl if not cs]
    method = [
        f"Corpus: `{lib}` without `site-packages`, every `*.py` file passed explicitly to each tool (the same list).",
        f"pyexplain runs all {len(rl)} default rules; {len(rl) - len(no_ruff)} of them have ruff codes (`pyexplain rules`), "
        f"the others have none: {', '.join(no_ruff)}.",
        f"The {BIG_LINES:,}-line file is `typing.py` repeated, cut at a top-level statement and padded with assignments to exactly "
        f"{BIG_LINES:,} lines.",
        "LSP: each server is driven over stdio by the script's own JSON-RPC client (Content-Length framing); a reader thread "
        "timestamps each message as it arrives. Latency = from just before writing the `didChange` to the arrival of "
        "`textDocument/publishDiagnostics` for that document version. pyexplain and ruff server get the same edits, "
        "alternating which goes first, edit by edit. ruff server announces `diagnosticProvider` (pull) whatever the client "
        "offers, but when the client does not offer `textDocument.diagnostic` (as here) it pushes `publishDiagnostics` "
        "with the document version after each change, so both servers are timed the same way (a warning below says if "
        "a publication came without a version).",
        "Edits: one character each, incremental, on single-line statements chosen with a fixed seed, in cycles that restore "
        "the text: type a letter at the end of a name and delete it; open a string quote at the start of a statement "
        "(breaks the syntax), close it at the end of the line, delete the closing quote (breaks it again), delete the opening "
        "one; open a parenthesis before a name (breaks the syntax) and delete it.",
        "ruff server: `initializationOptions.settings` with `lint.select` = the ruff codes in `pyexplain rules` "
        f"({', '.join(codes)}), `configuration` = `{{target-version = \"{PYTHON_TARGET}\"}}` (pyexplain's default target), "
        "`configurationPreference = editorOnly`; the small file checks that ruff server reports each of these codes.",
        "Hover: after each edit's diagnostics, `textDocument/hover` on a keyword on a line no edit touches, rotating over "
        "the keywords, pyexplain and jedi-language-server alternately. jedi-language-server receives each edit before "
        "pyexplain and ruff do; its diagnostics are off (it debounces them by 1 s in a background thread), so its hover "
        "includes its own parse of the edited text, as it does in an editor.",
        f"Whole tree: {runs} timed runs of each command after one untimed warm-up, the order rotated each run, median wall "
        "time; every command pinned to the same 2 CPUs (sched_setaffinity; `pyexplain check` and `parse-floor` size their "
        "thread pool from it, ruff gets `RAYON_NUM_THREADS=2`), output to /dev/null. ruff runs with `--isolated "
        f"--target-version {PYTHON_TARGET} --output-format concise --exit-zero`.",
        "`parse-floor` (server/src/bin/parse_floor.rs) reads each file once and parses it with tree-sitter-python on the "
        "same thread model as `pyexplain check`, nothing else.",
        f"pylint: the 50 files at evenly spaced positions in the sorted list, `-j 2 --disable=all --enable=<ids>`, "
        f"`persistent=no`, {pylint_runs} timed run(s), alternated with `pyexplain check` on the same files "
        f"({PYEXPLAIN_PER_PYLINT} runs of it each time, the median over all of them).",
        f"Start-up: {reps} rounds, the order rotated; time from spawning the process to the first `publishDiagnostics` for "
        "the small file (spawn, `initialize`, `initialized`, `didOpen`). jedi-language-server is not timed here: it "
        "delays every diagnostics run by 1 s (debounce).",
        "Peak memory: `VmHWM` from /proc/<pid>/status of each server process after the edits.",
    ]
    text = report(
        args, mach, vers, corpus, lsp, startup, check, pyl,
        {"load_before": load_before, "load_after": load_after, "method": method, "warnings": warnings},
    )
    print(text)
    if args.raw:
        raw = {"corpus": corpus, "lsp": lsp, "startup": startup and {"times": startup["times"]}, "check": check, "pylint": pyl}
        args.raw.write_text(json.dumps(raw, indent=1, default=sorted))
    if args.out:
        args.out.write_text(PREAMBLE + text)
        log(f"wrote {args.out}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
