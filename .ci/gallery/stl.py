"""STL: binary meshes written by numpy-stl (a cube, random triangles, an empty mesh), read back by numpy-stl."""

import numpy as np
from stl import mesh
from stl.stl import Mode


def make(tmp):
    rng = np.random.default_rng(8)
    files = []
    for name, n in (("cube", 12), ("random", 500), ("empty", 0)):
        m = mesh.Mesh(np.zeros(n, dtype=mesh.Mesh.dtype))
        m.vectors[:] = rng.standard_normal((n, 3, 3)).astype(np.float32)
        m.update_normals()
        m.attr[:, 0] = np.arange(n) % 7
        f = tmp / f"{name}.stl"
        m.save(str(f), mode=Mode.BINARY)
        files.append(f)
    return files


def check(path, doc, cmp):
    m = mesh.Mesh.from_file(str(path), mode=Mode.BINARY, calculate_normals=False)
    with open(path, "rb") as fp:
        name, _data = mesh.Mesh.load(fp, mode=Mode.BINARY)  # numpy-stl's header reading: the 80 bytes as a name
    cmp.eq("header (stripped, as numpy-stl names it)", doc["header"].encode().strip(), name.strip(b" \0"))
    cmp.eq("count", doc["count"], len(m.data))
    tri = doc["triangles"]
    cmp.seq("triangles.normal", np.array([t["normal"] for t in tri], "<f4").ravel().tolist(), m.normals.ravel().tolist())
    cmp.seq("triangles.vertices", np.array([t["vertices"] for t in tri], "<f4").ravel().tolist(), m.vectors.ravel().tolist())
    cmp.seq("triangles.attr", [t["attr"] for t in tri], m.attr[:, 0].tolist())
