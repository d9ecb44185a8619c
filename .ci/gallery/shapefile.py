"""ESRI shapefile: .shp files written by pyshp (every shape kind but MultiPatch), read back by pyshp."""

import numpy as np
import shapefile

KINDS = ["point", "pointm", "pointz", "line", "linem", "linez", "poly", "polym", "polyz", "multipoint",
         "multipointm", "multipointz", "null"]


def make(tmp):
    rng = np.random.default_rng(6)
    files = []
    for kind in KINDS:
        base = tmp / kind
        shape_type = {"point": 1, "pointm": 21, "pointz": 11, "line": 3, "linem": 23, "linez": 13, "poly": 5,
                      "polym": 25, "polyz": 15, "multipoint": 8, "multipointm": 28, "multipointz": 18, "null": 0}[kind]
        with shapefile.Writer(str(base), shapeType=shape_type) as w:
            w.field("name", "C")
            for k in range(4):
                pts = [tuple(float(v) for v in rng.uniform(-180, 180, 4).round(6)) for _ in range(3 + k)]
                xy = [p[:2] for p in pts]
                xym = [(p[0], p[1], p[3]) for p in pts]
                if kind == "null" or (k == 2 and kind != "point"):
                    w.null()
                elif kind == "point":
                    w.point(*xy[0])
                elif kind == "pointm":
                    w.pointm(*xym[0])
                elif kind == "pointz":
                    w.pointz(*pts[0])
                elif kind in ("line", "poly"):
                    getattr(w, kind)([xy[:2], xy[1:]])
                elif kind in ("linem", "polym"):
                    getattr(w, kind)([xym[:2], xym[1:]])
                elif kind in ("linez", "polyz"):
                    getattr(w, kind)([pts[:2], pts[1:]])
                else:
                    getattr(w, kind)({"multipoint": xy, "multipointm": xym, "multipointz": pts}[kind])
                w.record(f"shape {k}")
        files.append(base.with_suffix(".shp"))
    return files


def check(path, doc, cmp):
    with shapefile.Reader(shp=open(path, "rb")) as r:
        cmp.eq("shape_type", doc["shape_type"], r.shapeType)
        cmp.seq("bbox", doc["bbox"], list(r.bbox))
        if r.zbox:
            cmp.seq("zrange", doc["zrange"], list(r.zbox))
        if r.mbox:
            cmp.seq("mrange", [nan_none(v) for v in doc["mrange"]], [nan_none(v) for v in r.mbox])
        shapes = list(r.iterShapes())
    cmp.eq("records (count)", len(doc["records"]), len(shapes))
    for i, (rec, s) in enumerate(zip(doc["records"], shapes)):
        p = f"records[{i}]"
        cmp.eq(f"{p}.number", rec["number"], s.oid + 1)
        cmp.eq(f"{p}.type", rec["type"], s.shapeType)
        sh = rec["shape"]
        t = rec["type"]
        if t == 0:
            continue
        parts = sh.get("p", sh) if isinstance(sh, dict) else sh
        if t in (1, 11, 21):
            cmp.seq(f"{p}.shape (x, y)", [sh["x"], sh["y"]], list(s.points[0][:2]))
        else:
            cmp.seq(f"{p}.shape.points", [c for q in parts["points"] for c in (q["x"], q["y"])],
                    [c for q in s.points for c in q[:2]])
            cmp.seq(f"{p}.shape.box", parts["box"], list(s.bbox))
        if t in (3, 5, 13, 15, 23, 25):
            cmp.seq(f"{p}.shape.parts", parts["parts"], list(s.parts))
        if t in (11, 13, 15, 18):
            cmp.seq(f"{p}.shape.z", [sh["z"]] if t == 11 else sh["z"], list(s.z))
        if t in (11, 13, 15, 18, 21, 23, 25, 28):
            cmp.seq(f"{p}.shape.m", [nan_none(v) for v in ([sh["m"]] if t in (11, 21) else sh["m"])],
                    [nan_none(v) for v in s.m])


def nan_none(v):
    """pyshp reads the spec's "no data" measures (any value below -1e38) as None."""
    return None if v is None or v < -1e38 else v
