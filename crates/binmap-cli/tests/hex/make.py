#!/usr/bin/env python3
"""Generate the golden cases of `binmap hex` by running the real xxd.

    python3 crates/binmap-cli/tests/hex/make.py [--xxd /usr/bin/xxd]

Deterministic (fixed seeds). Writes, next to this script:

- `inputs/`: the input files (binary files, and dumps for the -r cases);
- `cases.bin`: every case, in a simple binary-safe format read by
  `tests/hex.rs`:

      case NAME\\n
      args A1\\tA2\\t...\\n        (run with the current directory at inputs/)
      stdin FILE\\n | stdin -\\n   (FILE is piped to stdin; - for none)
      status N\\n
      stderr 0|1\\n               (whether xxd wrote to stderr)
      stdout LEN\\n
      <LEN raw bytes>\\n

The expected output is xxd's (Debian xxd 2022-01-14) byte for byte; the
test runs `binmap hex ARGS` and compares stdout, the exit status and
whether stderr is empty.
"""

import argparse
import os
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "inputs"


def make_inputs():
    rng = random.Random(20261122)
    files = {
        "empty.bin": b"",
        "one.bin": b"A",
        "b15.bin": bytes(range(65, 80)),
        "b16.bin": bytes(range(48, 64)),
        "b17.bin": bytes(range(90, 107)),
        "b33.bin": bytes(rng.randrange(256) for _ in range(33)),
        "b255.bin": bytes(rng.randrange(256) for _ in range(255)),
        "all256.bin": bytes(range(256)),
        "rand1000.bin": bytes(rng.randrange(256) for _ in range(1000)),
        "text.txt": b"The quick brown fox jumps over the lazy dog.\n\tTabs, \"quotes\" & <tags>\r\n~end~",
        # zero runs of every length for -a: 1, 2, 3, 4 and 5 lines, and at the end
        "zeros.bin": (b"x" * 16 + b"\0" * 16 + b"y" * 16 + b"\0" * 32 + b"z" * 16 + b"\0" * 48 + b"w" * 16
                      + b"\0" * 64 + b"v" * 5 + b"\0" * 80 + b"u" * 16 + b"\0" * 48),
        "zeros_end2.bin": b"a" * 16 + b"\0" * 32,
        "zeros_end4.bin": b"a" * 16 + b"\0" * 64,
        "zeros_tail.bin": b"\0" * 50,
        "allzero.bin": b"\0" * 64,
        "9name-with.dots.bin": b"\x00\x01\x02\xfe\xff",
    }
    INPUTS.mkdir(exist_ok=True)
    for name, data in files.items():
        (INPUTS / name).write_bytes(data)
    return files


SMALL = ["empty.bin", "one.bin", "b15.bin", "b16.bin", "b17.bin", "b33.bin", "text.txt"]
BIG = ["b255.bin", "all256.bin", "rand1000.bin"]
ZEROS = ["zeros.bin", "zeros_end2.bin", "zeros_end4.bin", "zeros_tail.bin", "allzero.bin"]

SINGLE = [[], ["-a"], ["-b"], ["-C"], ["-d"], ["-E"], ["-e"], ["-i"], ["-p"], ["-ps"], ["-u"],
          ["-postscript"], ["-bits"], ["--p"], ["-include"], ["-u", "-i"], ["-u", "-p"], ["-u", "-e"]]

COMBOS = [
    ["-b", "-c", "7", "-g", "3"], ["-e", "-g", "8"], ["-e", "-g", "3"], ["-e", "-c", "5"], ["-e", "-c", "3"],
    ["-e", "-g", "2", "-c", "7"], ["-e", "-c", "6", "-g", "2"], ["-e", "-c", "12", "-g", "16"], ["-e", "-g", "1"],
    ["-i", "-c", "5", "-u"], ["-i", "-n", "name"], ["-i", "-C"], ["-i", "-n", "9x-y.z", "-C"], ["-i", "-nfoo"],
    ["-i", "-name", "bar"], ["-p", "-c", "0"], ["-p", "-c0"], ["-p", "-c", "5", "-u"], ["-p", "-c", "300"],
    ["-a", "-c", "4"], ["-a", "-s", "2"], ["-d", "-o", "100"], ["-o", "-1"], ["-o", "0x7fffffff"],
    ["-d", "-o", "-16"], ["-o", "+16"], ["-o16"], ["-o-16"], ["-offset", "8"], ["-E", "-a"], ["-E", "-u"],
    ["-u", "-b"], ["-b", "-i"], ["-i", "-b"], ["-p", "-i"], ["-i", "-p"], ["-b", "-e"], ["-e", "-p"],
    ["-e", "-b"], ["-l", "0", "-i"], ["-l", "0", "-p", "-c", "0"], ["-s", "3", "-l", "4", "-p"],
    ["-a", "-l", "40"], ["-a", "-a"], ["-c", "0"], ["-c", "256"], ["-c", "257"], ["-c", "-1"],
    ["-c", "-1", "-p"], ["-c", "0x10"], ["-c", "010"], ["-cols", "8"], ["-c8"], ["--cols", "5"],
    ["-c", "12abc"], ["-c", " 7"], ["-c", "x"], ["-g", "0x3"], ["-group", "4"], ["-g3"],
    ["-C", "-i", "-n", "lower"], ["-capitalize", "-i"], ["-d", "-b"], ["-d", "-e"], ["-d", "-s", "+7"],
    ["-b", "-c", "256"], ["-b", "-g", "0"], ["-b", "-g", "4", "-c", "9"], ["-b", "-a"], ["-e", "-a", "-c", "8"],
    ["-x"], ["-c"], ["-g"], ["-s"], ["-l"], ["--"], ["-i", "-c", "0"], ["-i", "-c", "300"],
    ["-i", "-s", "2", "-l", "3"], ["-i", "-d", "-u", "-C"], ["-p", "-a"], ["-p", "-g", "3"], ["-e", "-u", "-g", "2"],
]

SEEKS = [["-s", v] for v in ["0", "5", "+5", "-5", "+-5", "-0", "100", "-100", "0x10", "-0x3", "017", "+0"]] + [
    ["-s5"], ["-s-5"], ["-s+3"], ["-seek", "3"], ["-skip", "2"], ["-s", "1000000"]]
LENGTHS = [["-l", v] for v in ["0", "1", "5", "0x10", "-5", "1000", "16", "17", "010"]] + [
    ["-len", "3"], ["-l5"], ["-l0x3"]]


def run(xxd, args, stdin_file):
    data = (INPUTS / stdin_file).read_bytes() if stdin_file else b""
    p = subprocess.run([xxd] + args, cwd=INPUTS, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    return p.returncode, bool(p.stderr), p.stdout


def reverse_inputs(xxd, files):
    """Dumps to reverse: xxd's own, plain ones, and messy hand-made ones."""
    out = {}

    def dump(name, args, src):
        p = subprocess.run([xxd] + args + [src], cwd=INPUTS, stdout=subprocess.PIPE, check=True)
        out[name] = p.stdout

    for src in ["b33.bin", "rand1000.bin", "all256.bin", "text.txt", "zeros.bin", "one.bin", "empty.bin"]:
        stem = src.split(".")[0]
        dump(f"rev_{stem}.hex", [], src)
        dump(f"rev_{stem}_p.hex", ["-p"], src)
    dump("rev_b33_c8.hex", ["-c", "8"], "b33.bin")
    dump("rev_b33_c5g3.hex", ["-c", "5", "-g", "3"], "b33.bin")
    dump("rev_b33_u.hex", ["-u"], "b33.bin")
    dump("rev_b33_s.hex", ["-s", "7"], "b33.bin")
    dump("rev_b33_o.hex", ["-o", "0x100"], "b33.bin")
    dump("rev_zeros_a.hex", ["-a"], "zeros.bin")
    dump("rev_rand_p5.hex", ["-p", "-c", "5"], "rand1000.bin")
    dump("rev_rand_p0.hex", ["-p", "-c", "0"], "rand1000.bin")
    dump("rev_rand_c40.hex", ["-c", "40", "-g", "0"], "rand1000.bin")
    base = out["rev_b33.hex"].decode()
    messy = {
        "rev_m_crlf.hex": base.replace("\n", "\r\n"),
        "rev_m_upper.hex": base.upper(),
        "rev_m_nocolon.hex": base.replace(":", ""),
        "rev_m_spaces.hex": base.replace(" ", "   "),
        "rev_m_noascii.hex": "\n".join(l[:49] for l in base.splitlines()) + "\n",
        "rev_m_missing.hex": "\n".join(l[:30] for l in base.splitlines()),
        "rev_m_nooffset.hex": "\n".join(l[10:] for l in base.splitlines()) + "\n",
        "rev_m_back.hex": "00000010: 4142 4344\n00000000: 4546\n00000020: 4748\n",
        "rev_m_gap.hex": "00000000: 4142\n00000100: 4344\n00000101: 45\n",
        "rev_m_onlyoff.hex": "00000000: 41\n00000040:\n",
        "rev_m_garbage.hex": "hello world\n: 41 42\nzz 00000000: 4142\n00000002: 43 4 44 xx 45\n# comment\n\n",
        "rev_m_cont.hex": "abc\n41 42 43\n0: 44\n",
        "rev_m_odd.hex": "00000000: 414 243 44\n00000010: 4 1 4 2\n00000020:4142  4344   4546\n",
        "rev_m_tabs.hex": "00000000:\t4142\t4344  ab..\n\t00000004 : 45\n",
        "rev_m_plainmess.hex": "41 42\n43\t44 zz 45 46\n4\n7 48 xyz 49\nqq 4a\n",
        "rev_m_bigoff.hex": "7fffffffffffffff: 41\n",
        "rev_m_star.hex": "00000000: 4142 4344\n*\n00000030: 4546\n",
        "rev_m_long.hex": "00000000: " + " ".join("%02x" % (i % 256) for i in range(300)) + "\n",
    }
    for k, v in messy.items():
        out[k] = v.encode()
    for name, data in out.items():
        (INPUTS / name).write_bytes(data)
    return sorted(out)


REV_OPTS = [["-r"], ["-r", "-p"], ["-r", "-c", "8"], ["-r", "-s", "0x10"], ["-r", "-s", "-0x10"],
            ["-r", "-c", "4", "-p"], ["-r", "-b"], ["-r", "-e"], ["-r", "-i"], ["-r", "-c", "300"],
            ["-r", "-g", "3"], ["-r", "-s", "+5"], ["-r", "-o", "100"], ["-r", "-c", "0"], ["-r", "-u"],
            ["-r", "-p", "-s", "3"], ["-r", "-p", "-s", "-3"], ["-r", "-c", "40"], ["-rp"], ["-r", "-ps"]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xxd", default="/usr/bin/xxd")
    a = ap.parse_args()
    v = subprocess.run([a.xxd, "-v"], stderr=subprocess.PIPE).stderr.decode()
    if "2022-01-14" not in v:
        print("warning: the goldens are meant for xxd 2022-01-14; this is %s" % v.strip(), file=sys.stderr)
    for f in INPUTS.glob("*") if INPUTS.exists() else []:
        f.unlink()
    files = make_inputs()
    rng = random.Random(7)
    cases = []  # (name, args, stdin)

    def add(args, stdin=None):
        cases.append((args, stdin))

    for f in SMALL + ["9name-with.dots.bin"]:
        for o in SINGLE + COMBOS + SEEKS + LENGTHS:
            add(o + [f])
    for f in SMALL[1:4]:
        for c in range(1, 41):
            add(["-c", str(c), f])
            add(["-c", str(c), "-e", f])
        for g in range(0, 10):
            add(["-g", str(g), f])
            add(["-g", str(g), "-c", "10", f])
            add(["-g", str(g), "-b", "-c", "9", f])
    for f in BIG:
        for o in SINGLE + [["-c", "40"], ["-c", "256"], ["-c", "7", "-g", "3"], ["-e", "-c", "12"],
                           ["-i", "-c", "7"], ["-p", "-c", "0"], ["-s", "-17"], ["-s", "250", "-l", "100"]]:
            add(o + [f])
    for f in ZEROS:
        for o in [["-a"], ["-a", "-c", "8"], ["-a", "-c", "32"], ["-a", "-b", "-c", "8"], ["-a", "-e"],
                  ["-a", "-s", "16"], ["-a", "-l", "64"], ["-a", "-l", "63"], ["-a", "-E"], ["-a", "-d"], []]:
            add(o + [f])
    # stdin: no variable name for -i, seeks by reading
    for f in ["b33.bin", "empty.bin", "text.txt"]:
        for o in [[], ["-i"], ["-i", "-n", "piped"], ["-p"], ["-s", "5"], ["-s", "+5"], ["-s", "-5"],
                  ["-s", "40"], ["-s", "33"], ["-s", "0"], ["-s", "-0"], ["-a"], ["-l", "7"], ["-b"], ["-"]]:
            add(o, f)
    # files that do not exist, too many arguments, an output file of "-"
    add(["missing.bin"])
    add(["-i", "missing.bin"])
    add(["b33.bin", "-", "extra"])
    add(["b33.bin", "-"])
    add(["-c", "257", "missing.bin"])
    # random combinations
    pool = [["-a"], ["-b"], ["-e"], ["-p"], ["-i"], ["-u"], ["-d"], ["-E"], ["-C"]]
    for _ in range(400):
        o = []
        for _ in range(rng.randrange(4)):
            o += rng.choice(pool)
        if rng.random() < 0.6:
            o += ["-c", str(rng.choice([0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 31, 32, 33, 64]))]
        if rng.random() < 0.4:
            o += ["-g", str(rng.choice([0, 1, 2, 3, 4, 5, 8, 16, 32]))]
        if rng.random() < 0.3:
            o += ["-s", rng.choice(["3", "-3", "+3", "20", "-20", "0x8"])]
        if rng.random() < 0.3:
            o += ["-l", rng.choice(["0", "1", "7", "16", "100"])]
        if rng.random() < 0.2:
            o += ["-o", rng.choice(["5", "0x10", "-3"])]
        add(o + [rng.choice(SMALL + ["zeros.bin", "b255.bin"])])
    for f in reverse_inputs(a.xxd, files):
        # A plain dump read as a normal one is one huge offset: xxd would
        # write zeros for ever. Only the -p readings (and errors) for those.
        plain_only = any(k in f for k in ("_p.hex", "_p5", "_p0", "plainmess", "bigoff"))
        for o in REV_OPTS:
            if plain_only and not any(x in o for x in ("-p", "-ps", "-b", "-e", "-i", "0x10")):
                continue
            if plain_only and "0x10" in o and "bigoff" not in f:
                continue
            add(o + [f])
        if not plain_only:
            add(["-r"], f)
        add(["-r", "-p"], f)

    blob = bytearray()
    for i, (args, stdin) in enumerate(cases):
        status, err, out = run(a.xxd, args, stdin)
        blob += b"case %d\n" % i
        blob += b"args " + "\t".join(args).encode() + b"\n"
        blob += b"stdin " + (stdin or "-").encode() + b"\n"
        blob += b"status %d\nstderr %d\nstdout %d\n" % (status, int(err), len(out))
        blob += out + b"\n"
    (HERE / "cases.bin").write_bytes(bytes(blob))
    total = len(blob) + sum(f.stat().st_size for f in INPUTS.glob("*"))
    print("%d cases, %d bytes (cases.bin %d)" % (len(cases), total, len(blob)))
    if total > 2_000_000:
        sys.exit("error: the goldens are over 2 MB")


if __name__ == "__main__":
    main()
