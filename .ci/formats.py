#!/usr/bin/env python3
"""The gallery check (issue 12): every layout in examples/formats/ against its format's own reader.

    python3 .ci/formats.py [NAME ...] [--keep DIR] [--verbose]

For each format module in .ci/gallery/ (one per layout, `NAME.py` for
`examples/formats/NAME.bml`):

  1. `make(tmp)` writes real files with the format's own writer (Python's
     wave, zipfile, tarfile, gzip, sqlite3, Pillow, scipy.io, astropy, ...)
     or takes them from the machine (/usr/share/zoneinfo, /bin/ls);
  2. `binmap show FILE -l LAYOUT -f json` decodes each;
  3. `check(file, doc, cmp)` compares the decoded values with what the
     format's own reader returns for the same file;
  4. `binmap show -f json | binmap pack -l LAYOUT` must give back the file
     bit for bit.

No binary file is committed: everything is written at test time. Every
layout in examples/formats/ must have its module and the reverse. BINMAP
names the binary (default target/release/binmap). The last line is
`N passed, M failed`; the exit status is non-zero when anything failed.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GALLERY = ROOT / ".ci" / "gallery"
FORMATS = ROOT / "examples" / "formats"
BINMAP = os.environ.get("BINMAP", str(ROOT / "target" / "release" / "binmap"))
if os.sep in BINMAP:  # a path: absolute, since the README example runs in another folder
    BINMAP = os.path.abspath(BINMAP)
sys.path.append(str(GALLERY))  # after site-packages: a check named like its library (stl) must not shadow it

from common import Compare  # noqa: E402


def binmap(*args, stdin=None):
    p = subprocess.run([BINMAP, *map(str, args)], input=stdin, capture_output=True)
    if p.returncode != 0:
        raise AssertionError(f"binmap {' '.join(map(str, args))}: exit {p.returncode}\n{p.stderr.decode(errors='replace')}")
    return p.stdout


def load(name):
    spec = importlib.util.spec_from_file_location(f"gallery_{name}", GALLERY / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_format(name, tmp, verbose):
    """Every file of one format: decoded, compared, round-tripped. Returns the number of values compared."""
    mod = load(name)
    layout = FORMATS / f"{name}.bml"
    files = mod.make(tmp)
    assert files, f"{name}: make() wrote no file"
    compared = 0
    for f in files:
        raw = binmap("show", f, "-l", layout, "-f", "json")
        doc = json.loads(raw)
        cmp = Compare(f"{name}:{f.name}")
        mod.check(f, doc, cmp)
        assert cmp.count > 0, f"{name}:{f.name}: check() compared nothing"
        compared += cmp.count
        out = tmp / (f.name + ".packed")
        binmap("pack", "-l", layout, "-", "-o", out, stdin=raw)
        a, b = f.read_bytes(), out.read_bytes()
        if a != b:
            at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            raise AssertionError(f"{name}:{f.name}: pack gave {len(b)} bytes for {len(a)}, first difference at offset {at:#x}")
        if verbose:
            print(f"  {f.name}: {len(a)} bytes, {cmp.count} values compared, round trip exact")
    return len(files), compared


def readme_example(tmp):
    """The README's worked example (Formats): the same PNG, made the same way, prints exactly what the README shows."""
    from PIL import Image

    im = Image.new("RGB", (2, 2), (255, 0, 0))
    im.putpixel((1, 1), (0, 0, 255))
    im.save(tmp / "image.png", dpi=(72, 72))
    readme = (ROOT / "README.md").read_text()
    layout = "examples/formats/png.bml"
    for args in (["show", "image.png", "-l", layout, "chunks.type"], ["show", "image.png", "-l", layout, "chunks[0]", "-f", "json"],
                 ["show", "image.png", "-l", layout, "scanlines", "-f", "json"], ["hex", "image.png", "--layout", layout]):
        out = subprocess.run([BINMAP, *args], cwd=tmp, capture_output=True, check=True)
        shown = " ".join(f"'{a}'" if "[" in a else a for a in args)
        block = f"$ binmap {shown}\n{out.stdout.decode()}"
        if block not in readme:
            raise AssertionError(f"README's Formats example differs from what binmap prints now:\n{block}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="formats to check (default: all)")
    ap.add_argument("--keep", help="write the files into DIR and keep them")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()

    layouts = sorted(p.stem for p in FORMATS.glob("*.bml"))
    modules = sorted(p.stem for p in GALLERY.glob("*.py") if p.stem != "common")
    passed = failed = 0
    if layouts != modules:
        print(f"FAIL: layouts without a check: {sorted(set(layouts) - set(modules))}; "
              f"checks without a layout: {sorted(set(modules) - set(layouts))}")
        failed += 1
    for name in args.names or layouts:
        start = time.monotonic()
        with tempfile.TemporaryDirectory() as t:
            tmp = Path(args.keep) / name if args.keep else Path(t)
            tmp.mkdir(parents=True, exist_ok=True)
            try:
                nfiles, nvalues = run_format(name, tmp, args.verbose)
            except Exception:  # noqa: BLE001 - every failure is reported, then counted
                failed += 1
                print(f"FAIL {name}\n{traceback.format_exc()}")
                continue
        passed += 1
        print(f"ok   {name}: {nfiles} files, {nvalues} values compared with the format's reader, "
              f"round trips exact ({time.monotonic() - start:.1f} s)")
    if not args.names:
        with tempfile.TemporaryDirectory() as t:
            (Path(t) / "examples").symlink_to(ROOT / "examples")
            try:
                readme_example(Path(t))
                passed += 1
                print("ok   README's PNG example prints as shown")
            except Exception:  # noqa: BLE001
                failed += 1
                print(f"FAIL README's PNG example\n{traceback.format_exc()}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
