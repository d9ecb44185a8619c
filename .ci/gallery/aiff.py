"""AIFF/AIFF-C: files written by Python's aifc (8/16/24/32-bit, mono and stereo; AIFF-C uncompressed), read by aifc."""

import warnings

import numpy as np
from common import pcm

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # aifc leaves the stdlib in Python 3.13
    import aifc

CASES = [(1, 1, 8000, "aiff"), (2, 2, 44100, "aiff"), (1, 3, 22050, "aiff"), (2, 4, 48000, "aifc"), (1, 2, 11025, "aifc")]


def make(tmp):
    rng = np.random.default_rng(12)
    files = []
    for ch, width, rate, kind in CASES:
        f = tmp / f"s{ch}ch{8 * width}.{kind}"
        w = aifc.open(str(f), "wb")  # the suffix picks AIFF or AIFF-C
        w.setnchannels(ch)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(rng.bytes((40 + width) * ch * width))
        w.close()
        files.append(f)
    return files


def check(path, doc, cmp):
    r = aifc.open(str(path), "rb")
    ch, width, n = r.getnchannels(), r.getsampwidth(), r.getnframes()
    comm = doc["comm"]
    cmp.eq("form_type", doc["form_type"], "AIFC" if r._aifc else "AIFF")
    cmp.eq("comm.channels", comm["channels"], ch)
    cmp.eq("comm.frames", comm["frames"], n)
    cmp.eq("comm.sample_size", comm["sample_size"], 8 * width)
    if r._aifc:
        cmp.eq("comm.compression", comm["compression"].encode(), r.getcomptype())
        cmp.eq("comm.name", comm["name"].encode(), r.getcompname())
    # aifc keeps the 80-bit rate as an int; the rates written here are whole numbers, so the f80 is exact.
    cmp.eq("comm.sample_rate", comm["sample_rate"], float(r.getframerate()))
    frames = r.readframes(n)
    samples = doc["ssnd"]["samples"]
    cmp.eq("ssnd.samples (channels)", {len(row) for row in samples} <= {ch}, True)
    cmp.seq("ssnd.samples", [v for row in samples for v in row], pcm(frames, width, "big"))
