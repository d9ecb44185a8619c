#!/usr/bin/env python3
"""Issue 12 benchmark: walking real formats with the gallery's layouts against each format's Python reader.

    cargo build --release -p binmap-cli
    python3 bench/formats.py                 # 1,000,000-packet pcap (~100 MB) and ~200 MB tar, 3 runs each
    python3 bench/formats.py --packets 100000 --runs 5
    python3 bench/formats.py --only pcap

Needs dpkt (pip install dpkt). Data is written once into /tmp (kept): the
pcap by dpkt's own pcap.Writer, the tar by Python's tarfile, with a fixed
seed. Each contender is a whole process, timed with perf_counter around
subprocess.run, after one warm-up run (the file is then in the page
cache); contenders take turns, so load on this shared machine hits all
alike; figures are medians.

  pcap (examples/formats/pcap.bml), packets with link type 147 (USER0), so
  every reader leaves the packet bytes raw:
    binmap show FILE -l pcap.bml packets -f jsonl > /dev/null
        vs dpkt: `for ts, buf in dpkt.pcap.Reader(f)`, writing the same
        values (ts_sec, ts_frac, incl_len, orig_len, data) as JSON lines
    binmap info FILE -l pcap.bml > /dev/null   (resolves every packet's offset)
        vs dpkt iterating the packets (timestamps and bytes, no output)
  tar (examples/formats/tar.bml, when the gallery has it): 2,000 members
  of 100 KB:
    binmap show FILE -l tar.bml members -f jsonl > /dev/null
        vs tarfile: every member's header values and data as JSON lines
    binmap info FILE -l tar.bml vs tarfile.getmembers()

The correctness of the values is the gallery check's job (.ci/formats.py);
here the first packets of both JSON outputs are compared once as a sanity
check.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, find_binmap, fmt_s, median_time  # noqa: E402

PY = sys.executable

DPKT_JSONL = """
import dpkt, json, sys
out = open(sys.argv[2], "w")
with open(sys.argv[1], "rb") as f:
    r = dpkt.pcap.Reader(f)
    ph = r._Reader__ph
    f.seek(24)
    while True:
        h = f.read(16)
        if not h:
            break
        hdr = ph(h)
        buf = f.read(hdr.caplen)
        d = buf.decode("utf-8") if buf.isascii() else {"hex": buf.hex()}
        out.write(json.dumps({"ts_sec": hdr.tv_sec, "ts_frac": hdr.tv_usec, "incl_len": hdr.caplen,
                              "orig_len": hdr.len, "data": d}, separators=(",", ":")) + "\\n")
"""

DPKT_ITER = """
import dpkt, sys
n = 0
with open(sys.argv[1], "rb") as f:
    for ts, buf in dpkt.pcap.Reader(f):
        n += 1
print(n)
"""

TAR_JSONL = """
import json, sys, tarfile
out = open(sys.argv[2], "w")
with tarfile.open(sys.argv[1]) as t:
    for m in t:
        data = t.extractfile(m).read() if m.isfile() else b""
        out.write(json.dumps({"name": m.name, "mode": m.mode, "uid": m.uid, "gid": m.gid, "size": m.size,
                              "mtime": m.mtime, "chksum": m.chksum, "type": m.type.decode(), "uname": m.uname,
                              "gname": m.gname, "data": {"hex": data.hex()}}, separators=(",", ":")) + "\\n")
"""

TAR_LIST = """
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    print(len(t.getmembers()))
"""


def make_pcap(path, packets):
    import dpkt
    import numpy as np

    if path.exists():
        return
    rng = np.random.default_rng(12)
    sizes = rng.integers(40, 129, packets)
    payload = rng.bytes(256)
    with open(path, "wb") as f:
        w = dpkt.pcap.Writer(f, snaplen=65535, linktype=147)
        for k, n in enumerate(sizes):
            w.writepkt(payload[: int(n)], ts=1_700_000_000 + k * 1e-4)


def make_tar(path, members, size):
    import io
    import tarfile

    import numpy as np

    if path.exists():
        return
    rng = np.random.default_rng(13)
    block = rng.bytes(size)
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as t:
        for k in range(members):
            info = tarfile.TarInfo(f"data/run{k // 100:03d}/member{k:05d}.bin")
            info.size, info.mtime, info.mode = size, 1_700_000_000 + k, 0o644
            t.addfile(info, io.BytesIO(block))


def run(argv, stdout=subprocess.DEVNULL):
    subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, check=True)


def race(contenders, runs):
    """(median wall seconds, median CPU seconds) per contender, the contenders taking turns.
    CPU = user + system time of the child process, which load from other processes barely changes."""
    for _, fn in contenders:
        fn()  # warm-up (and page cache)
    times = {name: [] for name, _ in contenders}
    for _ in range(runs):
        for name, fn in contenders:
            before = os.times()
            wall = median_time(fn, 1, warmup=False)[0]
            after = os.times()
            cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
            times[name].append((wall, cpu))
    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    return {name: (med([w for w, _ in ts]), med([c for _, c in ts])) for name, ts in times.items()}


def report(title, size, results, base):
    print(f"\n{title} ({size / 1e6:.0f} MB)                               wall (ratio)          CPU (ratio)")
    bw, bc = results[base]
    for name, (w, c) in results.items():
        rw = "" if name == base else f"{w / bw:5.1f}x"
        rc = "" if name == base else f"{c / bc:5.1f}x"
        print(f"  {name:48s} {fmt_s(w):>10s} {rw:>7s}   {fmt_s(c):>10s} {rc:>7s}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packets", type=int, default=1_000_000)
    ap.add_argument("--tar-members", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=["pcap", "tar"])
    args = ap.parse_args()
    binmap = find_binmap()
    formats = ROOT / "examples" / "formats"
    null = "/dev/null"

    if args.only in (None, "pcap"):
        pcap = Path(f"/tmp/gallery_{args.packets}.pcap")
        make_pcap(pcap, args.packets)
        layout = str(formats / "pcap.bml")
        # Sanity: the first packet's values agree.
        first = subprocess.run([binmap, "show", pcap, "-l", layout, "packets", "-f", "jsonl", "--rows", "0"],
                               capture_output=True, check=True).stdout.decode().splitlines()[0]
        peer = Path("/tmp/gallery_dpkt.jsonl")
        run([PY, "-c", DPKT_JSONL, pcap, peer])
        with open(peer) as f:
            assert json.loads(first) == json.loads(f.readline()), "binmap and dpkt disagree on the first packet"
        res = race([
            ("binmap show -f jsonl packets", lambda: run([binmap, "show", pcap, "-l", layout, "packets", "-f", "jsonl"])),
            ("dpkt: the same values as JSON lines", lambda: run([PY, "-c", DPKT_JSONL, pcap, null])),
            ("binmap info", lambda: run([binmap, "info", pcap, "-l", layout])),
            ("dpkt: iterate the packets (no output)", lambda: run([PY, "-c", DPKT_ITER, pcap])),
        ], args.runs)
        report(f"pcap, {args.packets:,} packets", os.path.getsize(pcap),
               {k: res[k] for k in list(res)[:2]}, "binmap show -f jsonl packets")
        report("pcap, the whole map", os.path.getsize(pcap), {k: res[k] for k in list(res)[2:]}, "binmap info")

    if args.only in (None, "tar"):
        layout = formats / "tar.bml"
        if not layout.exists():
            print("\ntar: examples/formats/tar.bml is not in the gallery yet (it needs ascii_oct); skipped")
            return
        tar = Path(f"/tmp/gallery_{args.tar_members}.tar")
        make_tar(tar, args.tar_members, 100_000)
        res = race([
            ("binmap show -f jsonl members", lambda: run([binmap, "show", tar, "-l", layout, "members", "-f", "jsonl"])),
            ("tarfile: header values and data as JSON lines", lambda: run([PY, "-c", TAR_JSONL, tar, null])),
            ("binmap info", lambda: run([binmap, "info", tar, "-l", layout])),
            ("tarfile.getmembers()", lambda: run([PY, "-c", TAR_LIST, tar])),
        ], args.runs)
        report(f"tar, {args.tar_members:,} members", os.path.getsize(tar),
               {k: res[k] for k in list(res)[:2]}, "binmap show -f jsonl members")
        report("tar, the whole map", os.path.getsize(tar), {k: res[k] for k in list(res)[2:]}, "binmap info")


if __name__ == "__main__":
    main()
