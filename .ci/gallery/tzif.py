"""TZif: the machine's /usr/share/zoneinfo files (or the tzdata package's), read by zoneinfo's own parser."""

import io
import shutil
from pathlib import Path

from zoneinfo import _common

ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham",
         "America/Sao_Paulo", "right/UTC", "right/Europe/London", "Africa/Casablanca"]


def zone_dir():
    system = Path("/usr/share/zoneinfo")
    if (system / "Europe" / "Paris").exists():
        return system
    import tzdata  # the PyPI copy of the same database, where the machine has none

    return Path(tzdata.__file__).parent / "zoneinfo"


def make(tmp):
    root = zone_dir()
    files = []
    for z in ZONES:
        if (root / z).exists():
            f = tmp / (z.replace("/", "_") + ".tzif")
            shutil.copyfile(root / z, f)
            files.append(f)
    return files


def check(path, doc, cmp):
    with open(path, "rb") as fp:
        # zoneinfo's reader: the version-2+ block when there is one, else the version-1 block.
        trans_idx, trans_utc, utcoff, isdst, abbr, tz_str = _common.load_data(fp)
    block = doc.get("v2", doc["v1"])
    h = block["header"]
    cmp.seq("transition_times", block["transition_times"], list(trans_utc))
    cmp.seq("transition_types", block["transition_types"], list(trans_idx))
    cmp.seq("types.utoff", [t["utoff"] for t in block["types"]], list(utcoff))
    cmp.seq("types.isdst", [t["isdst"] for t in block["types"]], list(isdst))
    names = block["designations"].encode() + b"\0"
    got = [names[t["desigidx"]:names.index(b"\0", t["desigidx"])].decode() for t in block["types"]]
    cmp.seq("types.desigidx (designations)", got, list(abbr))
    cmp.eq("header.timecnt", h["timecnt"], len(trans_utc))
    cmp.eq("header.typecnt", h["typecnt"], len(utcoff))
    if "v2" in doc:
        cmp.eq("footer", doc["footer"], "\n" + (tz_str.decode() if tz_str else "") + "\n")
    # The version-1 block against the same reader, fed the file cut to its version-1 part with version 1.
    v1 = doc["v1"]
    with open(path, "rb") as fp:
        data = fp.read()
    end = v1_size(v1["header"])
    cut = data[:4] + b"\0" + data[5:end]
    i1, t1, o1, d1, a1, _ = _common.load_data(io.BytesIO(cut))
    cmp.seq("v1.transition_times", v1["transition_times"], list(t1))
    cmp.seq("v1.transition_types", v1["transition_types"], list(i1))
    cmp.seq("v1.types.utoff", [t["utoff"] for t in v1["types"]], list(o1))
    cmp.seq("v1.types.isdst", [t["isdst"] for t in v1["types"]], list(d1))
    cmp.eq("v1.leaps (count)", len(v1["leaps"]), v1["header"]["leapcnt"])


def v1_size(h):
    return 44 + 5 * h["timecnt"] + 6 * h["typecnt"] + h["charcnt"] + 8 * h["leapcnt"] + h["isstdcnt"] + h["isutcnt"]
