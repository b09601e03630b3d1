#!/usr/bin/env python3
"""One LSP session against an installed `pyexplain` (run by .ci/package):
initialize, open a small file, hover `yield` and require the explanation to
mention generators, shutdown, exit, and require exit status 0.

    python3 tests/package/lsp_session.py PATH/TO/pyexplain

Standard library only, so it runs in the fresh virtual environment the wheel
was installed into. Prints the hover's first lines; exits non-zero with a
reason on any failure (no answer within the timeout included).
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import queue
from pathlib import Path

TIMEOUT = 30.0
SOURCE = "def squares(xs):\n    for x in xs:\n        yield x * x\n"
YIELD_LINE, YIELD_COL = 2, 8  # 0-based: the `y` of `yield`


def fail(msg):
    print(f"lsp_session: FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


class Server:
    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.inbox = queue.Queue()
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()
        self.next_id = 0

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.decode("ascii").partition(":")
                headers[k.strip().lower()] = v.strip()
            body = out.read(int(headers["content-length"]))
            self.inbox.put(json.loads(body))

    def send(self, msg):
        msg = {"jsonrpc": "2.0", **msg}
        data = json.dumps(msg).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        while True:
            try:
                msg = self.inbox.get(timeout=TIMEOUT)
            except queue.Empty:
                fail(f"no answer to {method} within {TIMEOUT:.0f}s")
            if msg is None:
                fail(f"the server closed its output before answering {method}; stderr: {b''.join(self.stderr).decode(errors='replace')[-2000:]}")
            if "method" in msg and "id" in msg:
                # A request from the server (workspace/configuration, client/registerCapability, …).
                result = [None] * len(msg.get("params", {}).get("items", [])) if msg["method"] == "workspace/configuration" else None
                self.send({"id": msg["id"], "result": result})
            elif msg.get("id") == rid:
                if "error" in msg:
                    fail(f"{method} answered with an error: {msg['error']}")
                return msg.get("result")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d, "gen.py")
        path.write_text(SOURCE, encoding="utf-8")
        uri = path.resolve().as_uri()
        server = Server(binary)
        init = server.request("initialize", {
            "processId": os.getpid(),
            "rootUri": Path(d).resolve().as_uri(),
            "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}}},
            "clientInfo": {"name": "pyexplain-package-test"},
        })
        caps = (init or {}).get("capabilities", {})
        if not caps.get("hoverProvider"):
            fail(f"initialize: no hoverProvider in {caps}")
        name = (init.get("serverInfo") or {}).get("name", "?")
        version = (init.get("serverInfo") or {}).get("version", "?")
        server.notify("initialized", {})
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": SOURCE}})
        hover = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": YIELD_LINE, "character": YIELD_COL}})
        if not hover:
            fail("no hover on `yield`")
        contents = hover["contents"]
        text = contents["value"] if isinstance(contents, dict) else json.dumps(contents)
        if "generator" not in text.lower():
            fail(f"the hover on `yield` does not mention generators:\n{text}")
        if server.request("shutdown", None) is not None:
            fail("shutdown: the result is not null")
        server.notify("exit", None)
        try:
            code = server.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            fail("the server did not exit after `exit`")
        if code != 0:
            fail(f"the server exited with status {code} after shutdown + exit")
    first = "\n".join(text.strip().splitlines()[:3])
    print(f"lsp_session: ok ({name} {version} at {binary}): initialize, hover on `yield`, shutdown, exit 0")
    print("  hover: " + first.replace("\n", "\n         "))


if __name__ == "__main__":
    main()
