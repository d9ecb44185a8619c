"""tar: ustar and pax archives written by Python's tarfile (files, directories, symlinks, long names, devices),
read back by tarfile."""

import io
import tarfile

from common import raw


def make(tmp):
    files = []
    for fmt, name in ((tarfile.USTAR_FORMAT, "ustar"), (tarfile.PAX_FORMAT, "pax")):
        f = tmp / f"{name}.tar"
        with tarfile.open(f, "w", format=fmt) as t:
            for k in range(5):
                data = (f"member {k}\n" * (k * 150)).encode()
                info = tarfile.TarInfo(f"dir/sub/file{k}.txt")
                info.size, info.mtime, info.mode, info.uid, info.gid = len(data), 1_700_000_000 + k, 0o640, 1000, 100 + k
                info.uname, info.gname = "gallery", "users"
                t.addfile(info, io.BytesIO(data))
            d = tarfile.TarInfo("dir/sub")
            d.type, d.mode = tarfile.DIRTYPE, 0o755
            t.addfile(d)
            s = tarfile.TarInfo("link")
            s.type, s.linkname = tarfile.SYMTYPE, "dir/sub/file1.txt"
            t.addfile(s)
            c = tarfile.TarInfo("dev/null0")
            c.type, c.devmajor, c.devminor = tarfile.CHRTYPE, 1, 3
            t.addfile(c)
            long = tarfile.TarInfo("a/" + "long-directory-name/" * 6 + "file.bin")  # ustar: prefix + name
            long.size = 3
            t.addfile(long, io.BytesIO(b"abc"))
            if fmt == tarfile.PAX_FORMAT:
                u = tarfile.TarInfo("ünïcode-名前.txt")
                u.size = 5
                t.addfile(u, io.BytesIO(b"hello"))
        files.append(f)
    return files


def check(path, doc, cmp):
    with tarfile.open(path) as t:
        members = t.getmembers()
        headers = [m["header"] for m in doc["members"]]
        # pax archives: an 'x' header (its records) precedes the member it describes.
        # The last element is the zero block that ends the archive (no name).
        cmp.eq("the last element is the end block", headers[-1]["name"], "")
        real = [(i, h) for i, h in enumerate(headers[:-1]) if h["typeflag"] not in ("x", "g")]
        cmp.eq("members (count)", len(real), len(members))
        for (i, h), m in zip(real, members):
            p = f"members[{i}].header"
            pax = i > 0 and headers[i - 1]["typeflag"] == "x"
            name = h["name"] if not h["prefix"] else h["prefix"] + "/" + h["name"]
            if not pax:  # a pax record overrides the header's (truncated, ASCII) name
                cmp.eq(f"{p}.name", name, m.name + ("/" if m.isdir() and name.endswith("/") else ""))
            cmp.eq(f"{p}.mode", h["mode"], m.mode)
            cmp.eq(f"{p}.uid", h["uid"], m.uid)
            cmp.eq(f"{p}.gid", h["gid"], m.gid)
            cmp.eq(f"{p}.size", h["size"], m.size)
            cmp.eq(f"{p}.mtime", h["mtime"], m.mtime)
            cmp.eq(f"{p}.chksum", h["chksum"], m.chksum)
            cmp.eq(f"{p}.typeflag", h["typeflag"].encode(), m.type)
            cmp.eq(f"{p}.linkname", h["linkname"], m.linkname)
            cmp.eq(f"{p}.uname", h["uname"], m.uname)
            cmp.eq(f"{p}.gname", h["gname"], m.gname)
            if m.ischr() or m.isblk():
                cmp.eq(f"{p}.devmajor", h["devmajor"], m.devmajor)
                cmp.eq(f"{p}.devminor", h["devminor"], m.devminor)
            if m.isfile():
                cmp.eq(f"members[{i}].data", raw(doc["members"][i]["data"]), t.extractfile(m).read())
        cmp.eq("end (zero blocks)", set(b for blk in doc["end"] for b in raw(blk)) <= {0}, True)
