"""SGI images: files written by Pillow (grey, RGB, RGBA; 8 and 16 bits), read back by Pillow."""

import numpy as np
from PIL import Image


def make(tmp):
    rng = np.random.default_rng(18)
    files = []
    for mode, w, h, bpc in [("L", 5, 3, 1), ("RGB", 4, 6, 1), ("RGBA", 7, 2, 1), ("L", 3, 3, 2), ("RGB", 9, 1, 1)]:
        im = Image.fromarray(rng.integers(0, 256, (h, w, len(mode)) if len(mode) > 1 else (h, w), dtype=np.uint8), mode)
        f = tmp / f"{mode.lower()}{w}x{h}-{bpc}.sgi"
        im.save(f, bpc=bpc)
        files.append(f)
    return files


def check(path, doc, cmp):
    im = Image.open(path)
    cmp.eq("xsize, ysize", (doc["xsize"], doc["ysize"]), im.size)
    cmp.eq("zsize", doc["zsize"], len(im.getbands()))
    cmp.eq("storage", doc["storage"], 0 if im.tile[0][0] == "raw" or im.tile[0][0] == "SGI16" else 1)
    cmp.eq("bpc", doc["bpc"], 2 if im.mode.startswith("I;16") or im.tile[0][0] == "SGI16" else 1)
    px = np.asarray(im)
    if px.ndim == 2:
        px = px[:, :, None]
    got = np.array(doc["pixels"])  # planes x rows (bottom up) x columns
    if doc["bpc"] == 2:  # Pillow reads 16-bit SGI as its top 8 bits in mode L
        got = got >> 8 if im.mode == "L" else got
    cmp.eq("pixels (shape)", got.shape, (px.shape[2], px.shape[0], px.shape[1]))
    cmp.seq("pixels", got[:, ::-1, :].transpose(1, 2, 0).ravel().tolist(), px.ravel().tolist())
