"""WAV: files written by Python's `wave` (8-, 16-, 24-, 32-bit, mono and stereo), read back by `wave`."""

import wave

import numpy as np
from common import pcm

CASES = [(1, 1, 8000, 101), (2, 2, 44100, 300), (1, 2, 22050, 7), (2, 3, 48000, 123), (1, 3, 16000, 5), (2, 4, 96000, 11)]


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
    cmp.eq("samples (channels)", {len(row) for row in samples} <= {ch}, True)
    # PCM samples: unsigned 8-bit, signed little-endian 16-, 24- and 32-bit (the WAVE spec; wave gives the bytes).
    cmp.seq("samples", [v for row in samples for v in row], pcm(frames, width, "little", signed=width > 1))
