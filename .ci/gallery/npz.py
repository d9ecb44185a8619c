"""numpy .npz: archives written by numpy.savez and savez_compressed, read by numpy.load and zipfile."""

import io
import zipfile

import numpy as np
from common import raw


def make(tmp):
    rng = np.random.default_rng(1)
    arrays = {"x": np.arange(7, dtype="<f8"), "grid": rng.standard_normal((3, 4)).astype(">f4"),
              "ids": np.array([1, 2, 3], dtype="<i8"), "names": np.array(["ab", "cde"]),
              "rec": np.zeros(2, dtype=[("a", "<i4"), ("b", "u1", (3,))]),
              "fortran": np.asfortranarray(rng.integers(0, 9, (2, 3)).astype("<i2")), "empty": np.zeros(0)}
    files = [tmp / "plain.npz", tmp / "compressed.npz"]
    np.savez(files[0], **arrays)
    np.savez_compressed(files[1], **arrays)
    return files


def check(path, doc, cmp):
    z = zipfile.ZipFile(path)
    infos = z.infolist()
    npz = np.load(path)
    locals_ = [r["body"] for r in doc["records"] if r["signature"] == 0x04034B50]
    centrals = [r["body"] for r in doc["records"] if r["signature"] == 0x02014B50]
    cmp.eq("members (count)", len(locals_), len(npz.files))
    cmp.eq("central (count)", len(centrals), len(infos))
    for i, (loc, cen, info) in enumerate(zip(locals_, centrals, infos)):
        p = f"local[{i}]"
        cmp.eq(f"{p}.name", loc["name"], info.filename)
        cmp.eq(f"{p}.method", loc["method"], info.compress_type)
        cmp.eq(f"{p}.crc32", loc["crc32"], info.CRC)
        cmp.eq(f"{p}.zip64.compressed_size", loc["zip64"]["compressed_size"], info.compress_size)
        cmp.eq(f"{p}.zip64.uncompressed_size", loc["zip64"]["uncompressed_size"], info.file_size)
        cmp.eq(f"central[{i}].name", cen["name"], info.filename)
        cmp.eq(f"central[{i}].local_header_offset", cen["local_header_offset"], info.header_offset)
        arr = npz[info.filename[:-4]]
        # Stored: the .npy in place; deflated: the view of it decompressed.
        m = loc["member"] if info.compress_type == zipfile.ZIP_STORED else loc["npy"]
        # numpy's own .npy reader over the header text binmap decoded: the same dtype, shape and order.
        fp = io.BytesIO(z.read(info))
        version = np.lib.format.read_magic(fp)
        cmp.eq(f"{p}.member.major", m["major"], version[0])
        read_header = np.lib.format.read_array_header_1_0 if version[0] == 1 else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(fp)
        hdr = io.BytesIO(b"\x93NUMPY" + bytes(version) + len(m["header"]).to_bytes(2 if version[0] == 1 else 4, "little")
                         + m["header"].encode("latin-1"))
        np.lib.format.read_magic(hdr)
        cmp.eq(f"{p}.member.header", read_header(hdr), (shape, fortran, dtype))
        data = raw(m["data"])
        cmp.eq(f"{p}.member.data (length)", len(data), arr.nbytes)
        got = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C") if arr.size else arr
        cmp.eq(f"{p}.member.data", got.tobytes(), arr.tobytes())
        if info.compress_type != zipfile.ZIP_STORED:
            cmp.eq(f"{p}.member (the deflate bytes)", zipfile._get_decompressor(8).decompress(raw(loc["member"])), z.read(info))
