"""GIF: images and animations written by Pillow (global and local palettes, transparency, comments, looping),
read back by Pillow (frame by frame)."""

import numpy as np
from common import raw
from PIL import Image, ImageSequence


def make(tmp):
    rng = np.random.default_rng(16)
    files = []
    single = Image.fromarray(rng.integers(0, 16, (7, 9), dtype=np.uint8), "L").convert("P")
    single.putpalette(rng.integers(0, 256, 48, dtype=np.uint8).tobytes())
    single.save(tmp / "single.gif", comment=b"a gallery image")
    files.append(tmp / "single.gif")
    frames = []
    for k in range(4):
        im = Image.fromarray(rng.integers(0, 256, (12, 10, 3), dtype=np.uint8), "RGB").convert("P", colors=8 + 8 * k)
        frames.append(im)
    frames[0].save(tmp / "anim.gif", save_all=True, append_images=frames[1:], duration=[40, 80, 120, 160], loop=3,
                   transparency=0, disposal=2, comment=b"frames")
    files.append(tmp / "anim.gif")
    Image.new("P", (3, 2), 1).save(tmp / "tiny87.gif")
    files.append(tmp / "tiny87.gif")
    return files


def check(path, doc, cmp):
    im = Image.open(path)
    cmp.eq("version", b"GIF" + doc["version"].encode(), im.info["version"])
    cmp.eq("width, height", (doc["width"], doc["height"]), im.size)
    cmp.eq("background", doc["background"], im.info.get("background", 0))
    if "global_colors" in doc:
        got = [c for e in doc["global_colors"] for c in (e["r"], e["g"], e["b"])]
        cmp.seq("global_colors", got, list(im.global_palette.palette) if hasattr(im, "global_palette") else im.getpalette())
    blocks = [b["body"] for b in doc["blocks"]]
    images = [b for b, d in zip(blocks, doc["blocks"]) if d["introducer"] == 0x2C]
    controls = [b["data"] for b, d in zip(blocks, doc["blocks"]) if d["introducer"] == 0x21 and b["label"] == 0xF9]
    comments = [b["data"] for b, d in zip(blocks, doc["blocks"]) if d["introducer"] == 0x21 and b["label"] == 0xFE]
    apps = [b["data"] for b, d in zip(blocks, doc["blocks"]) if d["introducer"] == 0x21 and b["label"] == 0xFF]
    cmp.eq("blocks[-1].introducer (trailer)", doc["blocks"][-1]["introducer"], 0x3B)
    cmp.eq("images (count)", len(images), im.n_frames)
    if comments:
        cmp.eq("comment", b"".join(raw(s["data"]) for s in comments[0]), im.info["comment"])
    if apps:
        loop = raw(apps[0]["data"][0]["data"])
        cmp.eq("NETSCAPE2.0 loop", int.from_bytes(loop[1:3], "little"), im.info["loop"])
    for k, (frame, img) in enumerate(zip(ImageSequence.Iterator(im), images)):
        p = f"images[{k}]"
        tile = frame.tile[0] if frame.tile else None
        if tile:  # Pillow's decoder tile: the frame's box and where its LZW data starts
            cmp.eq(f"{p} (box)", (img["left"], img["top"], img["left"] + img["width"], img["top"] + img["height"]),
                   tuple(tile[1]))
            cmp.eq(f"{p}.lzw_min_code_size", img["lzw_min_code_size"], tile[3][0])
        cmp.eq(f"{p}.flags (interlaced)", bool(img["flags"] & 0x40), bool(tile[3][1]) if tile else False)
        if k < len(controls):
            cmp.eq(f"{p} delay (ms)", controls[k]["delay"] * 10, frame.info.get("duration", 0))
            if controls[k]["flags"] & 1:
                cmp.eq(f"{p} transparent_index", controls[k]["transparent_index"], frame.info.get("transparency"))
