"""BMP: images written by Pillow (1-bit, 8-bit palette, 24-bit RGB, 32-bit RGBA), read back by Pillow."""

import numpy as np
from PIL import BmpImagePlugin, Image

SIZES = [(5, 3), (17, 4), (1, 1), (8, 9)]


def make(tmp):
    rng = np.random.default_rng(7)
    files = []
    for i, mode in enumerate(["1", "P", "RGB", "RGBA", "L"]):
        w, h = SIZES[i % len(SIZES)]
        channels = {"RGB": 3, "RGBA": 4}.get(mode, 1)
        px = rng.integers(0, 256, (h, w, channels), dtype=np.uint8)
        im = Image.fromarray(px[:, :, 0] if channels == 1 else px, "L" if channels == 1 else mode)
        if mode == "1":
            im = im.convert("1")
        elif mode == "P":
            im = im.convert("P")
            im.putpalette(rng.integers(0, 256, 768, dtype=np.uint8).tobytes())
        f = tmp / f"{mode.lower()}{w}x{h}.bmp"
        im.save(f, dpi=(72 + i, 96))
        files.append(f)
    return files


def check(path, doc, cmp):
    im = Image.open(path)
    info = im.info
    w, h = im.size
    cmp.eq("width", doc["width"], w)
    cmp.eq("height", doc["height"], h)
    rawmode = im.tile[0].args[0]  # Pillow's pixel layout for the file: "1", "P", "BGR", "BGRX", ...
    cmp.eq("bits_per_pixel", doc["bits_per_pixel"], {"1": 1, "L": 8, "P": 8, "BGR": 24, "BGRX": 32, "BGRA": 32}[rawmode])
    cmp.eq("compression", doc["compression"], info["compression"])
    cmp.eq("pixel_offset", doc["pixel_offset"], im.tile[0][2])
    cmp.eq("x_pixels_per_meter", round(doc["x_pixels_per_meter"] * 0.0254), round(info["dpi"][0]))
    cmp.eq("y_pixels_per_meter", round(doc["y_pixels_per_meter"] * 0.0254), round(info["dpi"][1]))
    cmp.eq("magic", doc["magic"], "BM")
    if im.mode in ("P", "L", "1") and doc["palette"]:
        pal = im.getpalette() if im.mode == "P" else None
        if pal is not None:
            got = [c for e in doc["palette"] for c in (e["red"], e["green"], e["blue"])]
            cmp.seq("palette", got, pal[: len(got)])
    px = np.asarray(im)
    rows = doc["rows"]
    cmp.eq("rows (count)", len(rows), h)
    for y in range(h):
        row = bytes(rows[h - 1 - y])  # BMP rows are stored bottom-up
        if im.mode == "1":
            bits = np.unpackbits(np.frombuffer(row, np.uint8))[:w].astype(bool)
            cmp.seq(f"rows[{h - 1 - y}]", bits.tolist(), px[y].tolist())
        elif im.mode in ("P", "L"):
            cmp.seq(f"rows[{h - 1 - y}]", list(row[:w]), px[y].tolist())
        else:
            n = len(rawmode)  # BGR, BGRX or BGRA: bytes per pixel
            bgr = np.frombuffer(row[: n * w], np.uint8).reshape(w, n)
            order = [2, 1, 0] if im.mode == "RGB" else [2, 1, 0, 3]
            cmp.seq(f"rows[{h - 1 - y}]", bgr[:, order].ravel().tolist(), px[y].ravel().tolist())
