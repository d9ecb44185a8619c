"""WAV: files written by Python's `wave` (8-, 16-, 24-bit, mono and stereo), read back by `wave`."""

import wave

import numpy as np

CASES = [(1, 1, 8000, 101), (2, 2, 44100, 300), (1, 2, 22050, 7), (2, 3, 48000, 123), (1, 3, 16000, 5)]


def make(tmp):
    rng = np.random.default_rng(12)
    files = []
    for channels, width, rate, frames in CASES:
        f = tmp / f"w{channels}ch{8 * width}bit.wav"
        with wave.open(str(f), "wb") as w:
            w.setnchannels(channels)
            w.setsampwidth(width)
            w.setframerate(rate)
            w.writeframes(rng.integers(0, 256, frames * channels * width, dtype=np.uint8).tobytes())
        files.append(f)
    return files


def check(path, doc, cmp):
    with wave.open(str(path), "rb") as w:
        ch, width, rate, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
        cmp.eq("channels", doc["channels"], ch)
        cmp.eq("bits_per_sample", doc["bits_per_sample"], 8 * width)
        cmp.eq("sample_rate", doc["sample_rate"], rate)
        cmp.eq("block_align", doc["block_align"], ch * width)
        cmp.eq("byte_rate", doc["byte_rate"], rate * ch * width)
        cmp.eq("format_tag", doc["format_tag"], 1)  # wave reads only WAVE_FORMAT_PCM
        cmp.eq("data_size", doc["data_size"], n * ch * width)
        frames = w.readframes(n)
    samples = doc["samples"]
    cmp.eq("samples (frames)", len(samples), n)
    if width in (1, 2):
        # PCM samples: unsigned 8-bit, signed little-endian 16-bit (the WAVE spec; wave gives the bytes).
        want = np.frombuffer(frames, dtype="u1" if width == 1 else "<i2").reshape(n, ch)
        cmp.seq("samples", [v for row in samples for v in row], want.ravel().tolist())
    else:
        got = bytes(b for row in samples for s in row for b in s)
        cmp.eq("samples", got, frames)
