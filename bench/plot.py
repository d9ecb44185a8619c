#!/usr/bin/env python3
"""binmap plot against matplotlib's scatter (issue 16), in the same run.

Data: N points of numpy dtype [('x','<f4'), ('y','<f4'), ('v','<f4')]
(12 bytes each; x, y a mixture of Gaussian blobs and a spiral, v the
distance from the centre plus noise), written to /tmp (never committed).

- matplotlib: in process, `np.fromfile`, `plt.scatter(x, y, c=v, s=4)`
  with the viridis colour map, a colour bar, axis labels, `savefig` to a
  800 x 600 PNG with the Agg backend (what the issue measured: 31.8 s for
  1 M points, 157 s for 5 M here);
- binmap: the whole process, `binmap plot FILE -l 'p: {x: f32, y: f32, v:
  f32}[..]' --x p.x --y p.y --color p.v -o out.png` (800 x 600 PNG),
  aggregated per pixel from the memory map.

1 M and 5 M points for both, then 50 M for binmap alone (matplotlib would
take about 26 min). Prints medians and ratios, and binmap's CPU time (user +
system, from wait4): on a shared machine the wall time depends on the
load, the CPU time much less. Warm page cache.

    python3 bench/plot.py [--rounds 3] [--mpl-rounds-5m 1] [--binmap target/release/binmap]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

DATA = Path(os.environ.get('BENCH_DIR', '/tmp/binmap_plot_bench'))
DTYPE = np.dtype([('x', '<f4'), ('y', '<f4'), ('v', '<f4')])
LAYOUT = 'p: { x: f32, y: f32, v: f32 }[..]'


def make(n):
    path = DATA / f'points_{n // 1_000_000}M.bin'
    if path.exists() and path.stat().st_size == n * DTYPE.itemsize:
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(16)
    with open(path, 'wb') as f:
        step = 5_000_000
        for start in range(0, n, step):
            m = min(step, n - start)
            a = np.empty(m, DTYPE)
            kind = rng.integers(0, 4, m)
            t = rng.uniform(0, 4 * np.pi, m)
            spiral = np.stack([t * np.cos(t), t * np.sin(t)], 1) + rng.normal(0, 0.3, (m, 2))
            centres = np.array([[8.0, 8.0], [-8.0, 6.0], [0.0, -9.0]])
            blob = centres[kind % 3] + rng.normal(0, 1.5, (m, 2))
            xy = np.where((kind == 3)[:, None], spiral, blob)
            a['x'], a['y'] = xy[:, 0], xy[:, 1]
            a['v'] = np.hypot(xy[:, 0], xy[:, 1]) + rng.normal(0, 0.5, m)
            a.tofile(f)
    return path


def mpl_once(path, out):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    t0 = time.perf_counter()
    a = np.fromfile(path, DTYPE)
    fig, ax = plt.subplots(figsize=(8, 6), dpi=100)
    sc = ax.scatter(a['x'], a['y'], c=a['v'], s=4, cmap='viridis')
    fig.colorbar(sc, label='p.v')
    ax.set_xlabel('p.x')
    ax.set_ylabel('p.y')
    fig.savefig(out)
    plt.close(fig)
    return time.perf_counter() - t0


CPU = {}


def binmap_once(binmap, path, out):
    """Wall time of the whole process; its CPU time (user + system) goes to CPU[path]."""
    t0 = time.perf_counter()
    p = subprocess.Popen([binmap, 'plot', str(path), '-l', LAYOUT, '--x', 'p.x', '--y', 'p.y', '--color', 'p.v',
                          '-o', str(out)])
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    assert status == 0, status
    CPU.setdefault(str(path), []).append(ru.ru_utime + ru.ru_stime)
    return wall


def median(f, rounds):
    times = [f() for _ in range(rounds)]
    return statistics.median(times), times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--mpl-rounds-5m', type=int, default=1, help='matplotlib at 5 M takes minutes a round')
    ap.add_argument('--binmap', default=str(Path(__file__).resolve().parent.parent / 'target/release/binmap'))
    ap.add_argument('--skip-mpl', action='store_true')
    args = ap.parse_args()
    rows = []
    for n in (1_000_000, 5_000_000, 50_000_000):
        path = make(n)
        subprocess.run(['cat', str(path)], stdout=subprocess.DEVNULL, check=True)  # warm the cache
        out = DATA / f'binmap_{n // 1_000_000}M.png'
        b, bt = median(lambda: binmap_once(args.binmap, path, out), args.rounds)
        line = {'n': n, 'binmap': b, 'binmap_runs': bt, 'binmap_cpu': statistics.median(CPU[str(path)])}
        if n <= 5_000_000 and not args.skip_mpl:
            r = args.rounds if n <= 1_000_000 else args.mpl_rounds_5m
            m, mt = median(lambda: mpl_once(path, DATA / f'mpl_{n // 1_000_000}M.png'), r)
            line.update(mpl=m, mpl_runs=mt)
        rows.append(line)
        print(line, file=sys.stderr, flush=True)
    print(f'load average at the end: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)')
    print()
    print('| points | matplotlib scatter (Agg PNG, in process) | binmap plot (whole process) | binmap CPU (user + sys) | ratio |')
    print('|---:|---:|---:|---:|---:|')
    for r in rows:
        runs = lambda ts: ', '.join(f'{t:.2f}' for t in ts)
        mpl = f"{r['mpl']:.2f} s ({runs(r['mpl_runs'])})" if 'mpl' in r else 'not run (~26 min)'
        ratio = f"{r['mpl'] / r['binmap']:.0f}x" if 'mpl' in r else ''
        print(f"| {r['n']:,} | {mpl} | {r['binmap']:.2f} s ({runs(r['binmap_runs'])}) | {r['binmap_cpu']:.2f} s | {ratio} |")


if __name__ == '__main__':
    main()
