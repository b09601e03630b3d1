#!/usr/bin/env python3
"""Checks a .vsix built by editors/vscode/scripts/package.mjs (run by .ci/editors
and .ci/package).

    python3 tests/editors/vsix_check.py [--target linux-x64] FILE.vsix

Every .vsix: the bundled extension.js, package.json, README, no node_modules,
no sources. With --target: the manifest names that platform and the server is
at extension/bundled/pyexplain (pyexplain.exe on win32), executable. Without:
no bundled server. Prints the size; exits 1 with the reason otherwise.
"""

import argparse
import os
import re
import sys
import zipfile

ap = argparse.ArgumentParser()
ap.add_argument("vsix")
ap.add_argument("--target")
a = ap.parse_args()


def fail(msg):
    sys.exit(f"vsix_check: {a.vsix}: {msg}")


z = zipfile.ZipFile(a.vsix)
names = z.namelist()
low = [n.lower() for n in names]
bad = [n for n in names if "node_modules/" in n or n.endswith(".ts") or "/src/" in n or "/scripts/" in n]
if bad:
    fail(f"carries files it should not: {bad}")
for need in ("extension/out/extension.js", "extension/package.json"):
    if need not in names:
        fail(f"no {need} in {names}")
if "extension/readme.md" not in low:
    fail(f"no README in {names}")
manifest = z.read("extension.vsixmanifest").decode("utf-8")
platform = re.search(r'TargetPlatform="([^"]+)"', manifest)
server = [n for n in names if n.startswith("extension/bundled/")]
if a.target:
    if not platform or platform.group(1) != a.target:
        fail(f"the manifest's TargetPlatform is {platform.group(1) if platform else 'unset'}, not {a.target}")
    exe = "extension/bundled/" + ("pyexplain.exe" if a.target.startswith("win32") else "pyexplain")
    if server != [exe]:
        fail(f"bundled/ holds {server}, not {exe}")
    mode = z.getinfo(exe).external_attr >> 16
    if not a.target.startswith("win32") and not mode & 0o111:
        fail(f"{exe} is not executable (mode {oct(mode)})")
else:
    if platform:
        fail(f"a .vsix for every platform names TargetPlatform {platform.group(1)}")
    if server:
        fail(f"a .vsix for every platform carries a server: {server}")
size = os.path.getsize(a.vsix)
what = f"{a.target}, server {server[0]} ({z.getinfo(server[0]).file_size / 1e6:.1f} MB unpacked)" if a.target else "every platform, no server"
print(f"{a.vsix}: {size / 1e6:.2f} MB ({size} bytes), {len(names)} files, {what}, no node_modules")
