"""Fortran sequential records: written by scipy.io.FortranFile, read back by FortranFile.read_record."""

import numpy as np
from scipy.io import FortranFile

CASES = [(3, 4, 2, 0.5), (1, 1, 1, 1e-3), (16, 8, 5, 0.25), (5, 7, 0, 1.0)]


def make(tmp):
    rng = np.random.default_rng(11)
    files = []
    for i, (nx, ny, nt, dt) in enumerate(CASES):
        f = tmp / f"run{i}.dat"
        with FortranFile(f, "w") as ff:
            ff.write_record(np.array([nx, ny, nt], dtype="<i4"), np.array([dt], dtype="<f8"))
            for _ in range(nt):
                ff.write_record(np.asfortranarray(rng.standard_normal((nx, ny))).T)  # column-major bytes
        files.append(f)
    return files


def check(path, doc, cmp):
    with FortranFile(path, "r") as ff:
        head = ff.read_record("<i4", "<i4", "<i4", "<f8")
        nx, ny, nt, dt = int(head[0][0]), int(head[1][0]), int(head[2][0]), float(head[3][0])
        fields = [ff.read_record("<f8").reshape((ny, nx)).T for _ in range(nt)]  # Fortran order
    h = doc["header"]
    cmp.eq("header.nx", h["nx"], nx)
    cmp.eq("header.ny", h["ny"], ny)
    cmp.eq("header.nt", h["nt"], nt)
    cmp.eq("header.dt", h["dt"], dt)
    cmp.eq("steps (count)", len(doc["steps"]), nt)
    for k, (s, want) in enumerate(zip(doc["steps"], fields)):
        cmp.eq(f"steps[{k}].lead", s["lead"], want.nbytes)
        cmp.eq(f"steps[{k}].field (shape)", np.array(s["field"]).shape, want.shape)
        cmp.seq(f"steps[{k}].field", np.array(s["field"]).ravel().tolist(), want.ravel().tolist())
