#!/usr/bin/env python3
"""Live randomized differential test: `binmap hex` against the real xxd.

    python3 .ci/differential_hex.py [--seed S] [--cases N] [--xxd PATH] [--verbose]

Each case draws a random file (random bytes, zero runs, text; 0 to 3000
bytes) and a random combination of xxd's options (-a -b -C -c -d -E -e -g
-i -l -n -o -p -s -u, in random spellings), runs both on it (as a file, or
piped on stdin) and compares stdout, the exit status and whether stderr is
empty. binmap takes options anywhere, as xxd does not: in about half of
the cases binmap gets the same options in the same order but with FILE
(and sometimes OUTFILE, or `-` for stdin, or `--` before the names) moved
among or after them (`binmap hex FILE -c 8 -b`), while xxd gets them in
its order (`xxd -c 8 -b FILE`); an OUTFILE's contents are compared too.
Every case also checks `-r` round trips both ways: binmap's dump
through `xxd -r` and xxd's dump through `binmap hex -r` give the original
bytes (normal and -p dumps, with random -c/-g), and `binmap hex -r` of a
randomly mangled dump gives what `xxd -r` gives.

BINMAP names the binary (default target/release/binmap). The seed is
printed; a failure prints a line to reproduce it. The last line is
`N passed, M failed`; the exit status is non-zero when anything failed.
"""

import argparse
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINMAP = os.environ.get("BINMAP", os.path.join(ROOT, "target", "release", "binmap"))


def rand_data(rng):
    kind = rng.random()
    n = rng.choice([0, 1, 2, 15, 16, 17, 31, 32, 33, 64, 100, rng.randint(0, 3000)])
    if kind < 0.4:
        return bytes(rng.getrandbits(8) for _ in range(n))
    if kind < 0.7:  # zero runs for -a
        out = bytearray()
        while len(out) < n:
            run = rng.choice([1, 8, 16, 32, 48, 64, 100])
            out += b"\0" * run if rng.random() < 0.6 else bytes(rng.getrandbits(8) for _ in range(run))
        return bytes(out[:n])
    text = b"The quick brown fox jumps over the lazy dog 0123456789 \t\r\n~!@#$%^&*()"
    return bytes(rng.choice(text) for _ in range(n))


def num(rng, v):
    """A number as xxd accepts it: decimal, 0x hex or 0 octal."""
    r = rng.random()
    if v >= 0 and r < 0.15:
        return hex(v)
    if v > 0 and r < 0.25:
        return "0%o" % v
    return str(v)


def rand_opts(rng, size):
    """Options as a list of groups (an option with its value, if separate)."""
    o = []
    for _ in range(rng.randint(0, 4)):
        o.append([rng.choice(["-a", "-b", "-e", "-p", "-ps", "-i", "-u", "-d", "-E", "-C", "-u", "-a"])])
    if rng.random() < 0.6:
        c = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 24, 31, 32, 33, 40, 64, 255, 256,
                        257, 300, -1])
        o.append(rng.choice([["-c", num(rng, c)], ["-c" + str(c)], ["-cols", str(c)]]))
    if rng.random() < 0.4:
        g = rng.choice([0, 1, 2, 3, 4, 5, 7, 8, 16, 32, 300, -1])
        o.append(rng.choice([["-g", num(rng, g)], ["-g" + str(g)]]))
    if rng.random() < 0.3:
        s = rng.choice([0, 1, 5, 16, 17, size // 2, size, size + 3])
        sign = rng.choice(["", "", "+", "-", "+-"])
        o.append(rng.choice([["-s", sign + num(rng, s)], ["-s" + sign + str(s)]]))
    if rng.random() < 0.3:
        o.append(rng.choice([["-l"], ["-len"], ["-l"]]) + [num(rng, rng.choice([0, 1, 7, 16, 33, 100, 5000, -1]))])
    if rng.random() < 0.2:
        o.append(["-o", rng.choice(["5", "0x100", "-16", "+7", "4294967296"])])
    if rng.random() < 0.1:
        o.append(["-n", rng.choice(["var", "9lives", "a-b.c"])])
    rng.shuffle(o)
    return o


def flat(groups):
    return [a for g in groups for a in g]


def anywhere(rng, groups, names):
    """binmap's arguments: the option groups in their order (the last of -b
    -e -p -i wins, -a toggles), with the names (FILE, OUTFILE) put among or
    after them, in their order; or all the options, then `--`, then the
    names. Returns (args, whether anything moved)."""
    if rng.random() < 0.15:
        return flat(groups) + ["--"] + names, True
    slots = sorted(rng.randint(0, len(groups)) for _ in names)
    out = []
    for i, g in enumerate(groups + [[]]):
        out += [n for n, at in zip(names, slots) if at == i]
        out += g
    return out, slots != [len(groups)] * len(names)


def run(cmd, stdin=b"", cwd=None):
    p = subprocess.run(cmd, input=stdin, capture_output=True, cwd=cwd, timeout=60)
    return p.returncode, p.stdout, bool(p.stderr)


def mangle(rng, text):
    lines = text.split(b"\n")
    out = []
    for l in lines:
        r = rng.random()
        if r < 0.1:
            l = l.upper()
        elif r < 0.2:
            l = l.replace(b" ", b"  ")
        elif r < 0.3:
            l = l[: rng.randint(0, len(l))]
        elif r < 0.35:
            l = l + b"\r"
        elif r < 0.4:
            l = b"garbage " + l
        out.append(l)
    return b"\n".join(out)


def one_case(seed, top):
    rng = random.Random(seed)
    workdir = os.path.join(top, str(seed))  # one per case: a stray file is this case's
    os.mkdir(workdir)
    data = rand_data(rng)
    groups = rand_opts(rng, len(data))
    opts = flat(groups)
    name = rng.choice(["in.bin", "9x.dat", "my-file.bin"])
    path = os.path.join(workdir, "%d_%s" % (seed, name))
    fname = os.path.basename(path)
    with open(path, "wb") as f:
        f.write(data)
    problems = []
    piped = rng.random() < 0.2
    names = ["-"] if piped and rng.random() < 0.5 else [] if piped else [fname]
    outfile = names and rng.random() < 0.15
    if outfile:
        names.append("%d_out" % seed)
    args = opts + names
    bargs, moved = anywhere(rng, groups, names) if rng.random() < 0.5 else (args, False)
    x = run([XXD] + args, data if piped else b"", workdir)
    xout = read_and_unlink(os.path.join(workdir, names[1])) if outfile else None
    b = run([BINMAP, "hex"] + bargs, data if piped else b"", workdir)
    bout = read_and_unlink(os.path.join(workdir, names[1])) if outfile else None
    if x != b or xout != bout:
        problems.append("dump: xxd %s vs binmap hex %s%s: xxd (status %d, stderr %s, %d bytes%s) vs binmap "
                        "(status %d, stderr %s, %d bytes%s)"
                        % (" ".join(map(shlex.quote, args)), " ".join(map(shlex.quote, bargs)),
                           " < input" if piped else "", x[0], x[2], len(x[1]),
                           ", OUTFILE %s bytes" % (len(xout) if xout is not None else "no") if outfile else "",
                           b[0], b[2], len(b[1]),
                           ", OUTFILE %s bytes" % (len(bout) if bout is not None else "no") if outfile else ""))
    nmoved = int(moved)
    # round trips both ways, normal and plain
    plain = rng.random() < 0.5
    rt = ["-p"] if plain else []
    if rng.random() < 0.5:
        rt += ["-c", str(rng.choice([1, 4, 8, 16, 30, 32] if plain else [1, 4, 8, 13, 16, 32, 64, 256]))]
    if not plain and rng.random() < 0.3:
        rt += ["-g", str(rng.choice([0, 1, 3, 4, 8]))]
    cols = rt[rt.index("-c"):rt.index("-c") + 2] if "-c" in rt else []
    rev = ["-r"] + (["-p"] if plain else []) + cols
    bdump = run([BINMAP, "hex"] + rt, data, workdir)[1]
    back = run([XXD] + rev, bdump, workdir)
    if back[1] != data:
        problems.append("binmap hex %s | xxd %s does not give the input back" % (" ".join(rt), " ".join(rev)))
    xdump = run([XXD] + rt, data, workdir)[1]
    back = run([BINMAP, "hex"] + rev, xdump, workdir)
    if back[1] != data or back[0] != 0:
        problems.append("xxd %s | binmap hex %s does not give the input back" % (" ".join(rt), " ".join(rev)))
    # a mangled dump, reversed by both
    messy = mangle(rng, xdump)
    extra = rng.choice([[], [], ["-s", "0x10"], ["-c", "8"]]) if not plain else rng.choice([[], ["-s", "3"]])
    x = run([XXD] + rev + extra, messy, workdir)
    # binmap: the same options, perhaps with `-` (stdin) among them.
    rgroups = [g for g in [["-r"], ["-p"] if plain else [], cols, extra] if g]
    bargs, moved = anywhere(rng, rgroups, ["-"]) if rng.random() < 0.5 else (rev + extra, False)
    nmoved += moved
    b = run([BINMAP, "hex"] + bargs, messy, workdir)
    if x != b:
        problems.append("xxd %s / binmap hex %s of a mangled dump differ (status %d/%d, %d/%d bytes)"
                        % (" ".join(rev + extra), " ".join(bargs), x[0], b[0], len(x[1]), len(b[1])))
    # Whatever the order, binmap must not write a file named after an option
    # (every command of the case ran in workdir).
    stray = [f for f in os.listdir(workdir) if f.startswith("-")]
    if stray:
        problems.append("a binmap hex command line of this case wrote %s" % stray)
    shutil.rmtree(workdir)
    return problems, nmoved


XXD = "/usr/bin/xxd"


def read_and_unlink(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    os.unlink(path)
    return data


def main():
    global XXD
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--xxd", default="/usr/bin/xxd")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    XXD = a.xxd
    seed = a.seed if a.seed is not None else random.randrange(1 << 31)
    print("seed %d, %d cases, binmap %s, xxd %s" % (seed, a.cases, BINMAP, XXD))
    if not os.path.exists(BINMAP):
        sys.exit("error: %s not found (cargo build --release, or set BINMAP)" % BINMAP)
    t0 = time.time()
    passed = failed = moved = 0
    with tempfile.TemporaryDirectory() as d, ThreadPoolExecutor(4) as ex:
        seeds = [seed * 100003 + i for i in range(a.cases)]
        for i, (problems, nmoved) in enumerate(ex.map(lambda s: one_case(s, d), seeds)):
            moved += nmoved
            if problems:
                failed += 1
                for p in problems:
                    print("FAIL case %d: %s" % (i, p))
                print("  reproduce: python3 .ci/differential_hex.py --seed %d --cases %d  (case %d, case seed %d)"
                      % (seed, a.cases, i, seeds[i]))
            else:
                passed += 1
                if a.verbose:
                    print("ok case %d" % i)
    print("%.1f s; %d binmap command lines with options after FILE or `--`" % (time.time() - t0, moved))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
