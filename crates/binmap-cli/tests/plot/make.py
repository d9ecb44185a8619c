#!/usr/bin/env python3
"""Fixtures of tests/plot.rs: a histogram's data and numpy's counts.

values.bin: 2,000 float64 (layout `v: f64[..]`): normal values, a few
values exactly on numpy's bin edges, the minimum and maximum repeated,
and NaNs (left out, as `np.histogram` of the finite values does).
hist.txt: `np.histogram(finite, bins=B)` for B in 7, 20, 50, two lines
each: `B counts c0 c1 ...` and `B edges e0 e1 ...` (edges as `repr` text,
exact).

    python3 crates/binmap-cli/tests/plot/make.py
"""

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

rng = np.random.default_rng(1616)
v = rng.normal(3.0, 2.0, 1980)
lo, hi = v.min(), v.max()
edges = np.linspace(lo, hi, 21)
v = np.concatenate([v, edges[1:-1:3], [lo, hi, hi], [np.nan] * 4])
v = v[:2000] if len(v) >= 2000 else np.concatenate([v, rng.normal(3.0, 2.0, 2000 - len(v))])
v.astype('<f8').tofile(HERE / 'values.bin')
finite = v[np.isfinite(v)]
lines = []
for bins in (7, 20, 50):
    counts, e = np.histogram(finite, bins=bins)
    lines.append(f'{bins} counts ' + ' '.join(str(c) for c in counts))
    lines.append(f'{bins} edges ' + ' '.join(repr(float(x)) for x in e))
(HERE / 'hist.txt').write_text('\n'.join(lines) + '\n')
print(len(v), 'values,', len(finite), 'finite')
