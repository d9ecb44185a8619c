"""Sun .au: files written by Python's sunau (mu-law, 8/16/24/32-bit linear; mono, stereo), read back by sunau."""

import warnings

import numpy as np
from common import pcm, raw

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # sunau and audioop leave the stdlib in Python 3.13
    import audioop  # the mu-law codec sunau itself uses
    import sunau

CASES = [(1, 1, 8000, "ULAW"), (1, 1, 8000, "NONE"), (2, 2, 44100, "NONE"), (1, 3, 22050, "NONE"), (2, 4, 48000, "NONE")]


def make(tmp):
    rng = np.random.default_rng(2)
    files = []
    for ch, width, rate, comp in CASES:
        f = tmp / f"a{ch}ch{8 * width}{comp.lower()}.au"
        w = sunau.open(str(f), "wb")
        w.setnchannels(ch)
        w.setsampwidth(width if comp == "NONE" else 2)
        w.setframerate(rate)
        w.setcomptype(comp, comp)
        frames = 50 + width
        if comp == "ULAW":  # sunau encodes 16-bit samples to mu-law itself
            w.writeframes(rng.integers(-30000, 30000, frames, dtype="<i2").tobytes())
        else:
            w.writeframes(rng.bytes(frames * ch * width))
        w.close()
        files.append(f)
    return files


def check(path, doc, cmp):
    r = sunau.open(str(path), "rb")
    ch, width, rate, n = r.getnchannels(), r.getsampwidth(), r.getframerate(), r.getnframes()
    cmp.eq("channels", doc["channels"], ch)
    cmp.eq("sample_rate", doc["sample_rate"], rate)
    cmp.eq("encoding", doc["encoding"], 1 if r.getcomptype() == "ULAW" else {1: 2, 2: 3, 3: 4, 4: 5}[width])
    cmp.eq("data_offset", doc["data_offset"], r._hdr_size)
    cmp.eq("data_size", doc["data_size"], r._data_size)
    cmp.eq("annotation (to its first NUL, as sunau reads it)", raw(doc["annotation"]).split(b"\0")[0], r._info)
    samples = doc["samples"]
    cmp.eq("samples (frames)", len(samples), n)
    if r.getcomptype() == "ULAW":
        # sunau decodes mu-law to 16-bit; the stored bytes are what it decoded from.
        ulaw = bytes(v for row in samples for v in row)
        cmp.eq("samples (mu-law decoded)", audioop.ulaw2lin(ulaw, 2), r.readframes(n))
        return
    frames = r.readframes(n)  # big-endian PCM bytes, as stored
    cmp.eq("samples (channels)", {len(row) for row in samples} <= {ch}, True)
    cmp.seq("samples", [v for row in samples for v in row], pcm(frames, width, "big"))
