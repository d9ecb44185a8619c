"""NetCDF classic / 64-bit offset: files written by scipy.io.netcdf_file (every type, record and fixed variables,
attributes), read back by netcdf_file."""

import numpy as np
from scipy.io import netcdf_file

TYPES = {"b": 1, "c": 2, "h": 3, "i": 4, "f": 5, "d": 6}


def make(tmp):
    rng = np.random.default_rng(13)
    files = []
    for version in (1, 2):
        for records in (0, 3):
            f = tmp / f"v{version}-r{records}.nc"
            nc = netcdf_file(f, "w", version=version)
            nc.title = "gallery"
            nc.scale = np.float32(0.25)
            nc.levels = np.array([1, 2, 3], dtype="i4")
            if records:  # scipy wants the record dimension first
                nc.createDimension("time", None)
            nc.createDimension("x", 5)
            nc.createDimension("y", 3)
            if records:
                t = nc.createVariable("time", "d", ("time",))
                t[:] = np.arange(records) * 0.5
                t.units = "seconds since 2000-01-01"
                s = nc.createVariable("series", "h", ("time", "y"))
                s[:] = rng.integers(-100, 100, (records, 3))
            for code in "bhifd":
                v = nc.createVariable(f"v_{code}", code, ("x", "y") if code in "fd" else ("x",))
                v[:] = (rng.standard_normal(v.shape) * 100).astype(code)
                v.long_name = f"variable of type {code}"
                v.valid_range = np.array([-100, 100], dtype=code)
            c = nc.createVariable("label", "c", ("x",))
            c[:] = np.array(list("abcde"), dtype="S1")
            nc.close()
            files.append(f)
    return files


def attrs_equal(cmp, path, got, want):
    cmp.eq(f"{path} (names)", [a["name"]["text"] for a in got], list(want))
    for a, (name, value) in zip(got, want.items()):
        v = a["value"]
        if isinstance(value, bytes):
            cmp.eq(f"{path}.{name}", v["values"].encode(), value)
            cmp.eq(f"{path}.{name}.nc_type", v["nc_type"], 2)
        else:
            arr = np.atleast_1d(value)
            cmp.eq(f"{path}.{name}.nc_type", v["nc_type"], TYPES[arr.dtype.char])
            cmp.seq(f"{path}.{name}", np.array(v["values"], dtype=arr.dtype).tolist(), arr.tolist())


class Recording(netcdf_file):
    """netcdf_file, keeping each variable's begin and vsize as its own header parser reads them."""

    def _read_var(self):
        got = super()._read_var()
        self.__dict__.setdefault("_places", {})[got[0].decode() if isinstance(got[0], bytes) else got[0]] = (got[7], got[8])
        return got


def check(path, doc, cmp):
    nc = Recording(path, "r", mmap=False)
    cmp.eq("version", doc["version"], nc.version_byte)
    dims = doc["dims"]["list"]
    cmp.eq("dims (names)", [d["name"]["text"] for d in dims], list(nc.dimensions))
    cmp.seq("dims.len", [d["len"] or None for d in dims], list(nc.dimensions.values()))
    attrs_equal(cmp, "global_attrs", doc["global_attrs"]["attrs"], nc._attributes)
    cmp.eq("numrecs", doc["numrecs"], nc._recs)
    names = list(nc.dimensions)
    vs = doc["vars"]["list"]
    cmp.eq("vars (names)", [v["name"]["text"] for v in vs], list(nc.variables))
    for v, (name, var) in zip(vs, nc.variables.items()):
        p = f"vars.{name}"
        cmp.eq(f"{p}.dimids (names)", [names[i] for i in v["dimids"]], list(var.dimensions))
        cmp.eq(f"{p}.nc_type", v["nc_type"], TYPES[var.typecode()])
        attrs_equal(cmp, f"{p}.attrs", v["attrs"]["attrs"], var._attributes)
        begin, vsize = nc._places[name]
        cmp.eq(f"{p}.begin", v["begin"], begin)
        cmp.eq(f"{p}.vsize", v["vsize"], vsize)
        if var.isrec:  # a record variable's values are spread over the records: not typed by the layout
            cmp.eq(f"{p}.values (record variable)", v["values"], [])
        elif var.typecode() == "c":
            cmp.eq(f"{p}.values", v["values"].encode(), var.data.tobytes())
        else:
            want = np.asarray(var.data)
            cmp.seq(f"{p}.values", np.array(v["values"], dtype=want.dtype).tolist(), want.ravel().tolist())
    nc.close()
