"""PNG: images written by Pillow (RGB, palette with tRNS, 16-bit grey, RGBA, 1-bit; text, dpi, gamma; one IDAT chunk
or several), read by Pillow: its chunk reader, and its decoded pixels against the decompressed scanlines."""

import struct
import zlib

import numpy as np
from common import raw
from PIL import Image, PngImagePlugin


def make(tmp):
    rng = np.random.default_rng(3)
    files = []
    for i, (mode, w, h) in enumerate([("RGB", 7, 5), ("P", 16, 3), ("I;16", 4, 4), ("RGBA", 3, 9), ("1", 9, 2)]):
        if mode == "P":
            im = Image.fromarray(rng.integers(0, 12, (h, w), dtype=np.uint8), "L").convert("P")
            im.putpalette(rng.integers(0, 256, 36, dtype=np.uint8).tobytes())
            extra = {"transparency": 3}
        elif mode == "I;16":
            im = Image.fromarray(rng.integers(0, 65536, (h, w), dtype=np.uint16))
            extra = {}
        elif mode == "1":
            im = Image.fromarray(rng.integers(0, 2, (h, w), dtype=np.uint8) * 255, "L").convert("1")
            extra = {}
        else:
            im = Image.fromarray(rng.integers(0, 256, (h, w, len(mode)), dtype=np.uint8), mode)
            extra = {}
        info = PngImagePlugin.PngInfo()
        info.add_text("Title", f"gallery image {i}")
        info.add_text("Comment", "made by .ci/gallery/png.py")
        info.add(b"gAMA", struct.pack(">I", 45455 + i))
        f = tmp / f"{mode.replace(';', '_').lower()}.png"
        im.save(f, pnginfo=info, dpi=(72 * (i + 1), 300), **extra)
        files.append(f)
    # Large enough for Pillow to split the image data over several IDAT chunks.
    f = tmp / "large.png"
    Image.fromarray(rng.integers(0, 256, (300, 300, 3), dtype=np.uint8), "RGB").save(f)
    files.append(f)
    return files


def unfilter(scanlines, width, height, bits, channels):
    """The rows of an image from its decompressed PNG scanlines (PNG spec, section 7.3 and 9: filter types 0-4)."""
    bpp = max(1, bits * channels // 8)
    stride = (width * bits * channels + 7) // 8
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind = scanlines[y * (stride + 1)]
        line = bytearray(scanlines[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return b"".join(rows)


def check(path, doc, cmp):
    # Pillow's own chunk reader: each chunk's type, length and data, CRC verified by Pillow.
    chunks = []
    with open(path, "rb") as fp:
        cmp.bytes("signature", doc["signature"], fp.read(8))
        stream = PngImagePlugin.ChunkStream(fp)
        while True:
            cid, _pos, length = stream.read()
            data = fp.read(length)
            stream.crc(cid, data)  # raises on a bad CRC
            chunks.append((cid, length, data))
            if cid == b"IEND":
                break
    runs = doc["chunks"] + doc["idat"] + doc["after"]
    cmp.eq("chunks (count)", len(runs), len(chunks))
    cmp.eq("idat (every IDAT chunk)", [c["type"] for c in doc["idat"]], ["IDAT"] * sum(cid == b"IDAT" for cid, _, _ in chunks))
    im = Image.open(path)
    idat = b"".join(data for cid, _, data in chunks if cid == b"IDAT")
    if len(doc["idat"]) == 1:
        # One IDAT chunk: its zlib stream decompressed (zlib is what Pillow inflates it with), and the
        # pixels Pillow decodes are those scanlines unfiltered.
        scan = bytes(doc["scanlines"])
        cmp.eq("scanlines", scan, zlib.decompress(idat))
        ihdr = doc["chunks"][0]["data"]
        channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ihdr["color_type"]]
        pixels = unfilter(scan, ihdr["width"], ihdr["height"], ihdr["bit_depth"], channels)
        want = im.tobytes()
        if ihdr["bit_depth"] < 8 and im.mode != "1":  # packed samples (a 16-colour palette): one byte each in Pillow
            bits, stride = ihdr["bit_depth"], (ihdr["width"] * ihdr["bit_depth"] + 7) // 8
            pixels = bytes((row[k * bits // 8] >> (8 - bits - k * bits % 8)) & ((1 << bits) - 1)
                           for row in (pixels[y * stride:(y + 1) * stride] for y in range(ihdr["height"]))
                           for k in range(ihdr["width"]))
        if im.mode == "I;16":  # PNG stores 16-bit samples big endian; Pillow's I;16 is little endian
            want = np.frombuffer(want, "<u2").astype(">u2").tobytes()
        cmp.eq("scanlines (unfiltered: Pillow's pixels)", pixels, want)
    else:
        cmp.eq("scanlines (absent: the stream spans several IDAT chunks)", "scanlines" in doc, False)
    for i, (c, (cid, length, data)) in enumerate(zip(runs, chunks)):
        p = f"chunks[{i}]"
        cmp.bytes(f"{p}.type", c["type"], cid)
        cmp.eq(f"{p}.length", c["length"], length)
        cmp.eq(f"{p}.crc", c["crc"], zlib.crc32(cid + data))  # the spec's CRC, which Pillow verified above
        d = c["data"]
        if cid == b"IHDR":
            cmp.eq(f"{p}.data.width", d["width"], im.size[0])
            cmp.eq(f"{p}.data.height", d["height"], im.size[1])
            mode = PngImagePlugin._MODES[(d["bit_depth"], d["color_type"])][0]
            cmp.eq(f"{p}.data (mode of bit_depth, color_type)", mode, im.mode)
            cmp.eq(f"{p}.data.interlace", d["interlace"], im.info.get("interlace", 0))
        elif cid == b"PLTE":
            got = [v for e in d for v in (e["red"], e["green"], e["blue"])]
            cmp.seq(f"{p}.data", got, im.palette.palette)
        elif cid == b"pHYs":
            dpi = im.info["dpi"]
            cmp.eq(f"{p}.data.unit", d["unit"], 1)
            cmp.eq(f"{p}.data.x_per_unit", round(d["x_per_unit"] * 0.0254), round(dpi[0]))
            cmp.eq(f"{p}.data.y_per_unit", round(d["y_per_unit"] * 0.0254), round(dpi[1]))
        elif cid == b"gAMA":
            cmp.eq(f"{p}.data.gamma", d["gamma"] / 100000.0, im.info["gamma"])
        elif cid == b"tEXt":
            key, _, text = data.partition(b"\0")
            cmp.eq(f"{p}.data (text)", im.text[key.decode("latin-1")], text.decode("latin-1"))
            cmp.bytes(f"{p}.data", d, data)
        elif cid == b"tRNS":
            # A palette image's alpha per index: Pillow reports the one fully transparent index.
            cmp.eq(f"{p}.data (transparent index)", raw(d).index(0), im.info["transparency"])
        else:
            cmp.bytes(f"{p}.data", d, data)
