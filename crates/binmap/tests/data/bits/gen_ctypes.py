#!/usr/bin/env python3
"""Expected values of bit fields, from Python's ctypes bit-field structures.

Writes ctypes_bits.txt: one case a line, `LAYOUT<TAB>HEX BYTES<TAB>JSON`,
where LAYOUT is a binmap layout of one `bits` field `h`, the bytes are the
container, and JSON is what ctypes reads from them (field name -> value).
ctypes.BigEndianStructure puts the first field in the most significant
bits, ctypes.LittleEndianStructure in the least significant: binmap's
default bit order for big- and little-endian containers. Run with any
Python 3 (no third-party modules); the output is deterministic.
"""
import ctypes
import json
import random

CONTAINERS = {
    8: (ctypes.c_uint8, ctypes.c_int8, "u8"),
    16: (ctypes.c_uint16, ctypes.c_int16, "u16"),
    32: (ctypes.c_uint32, ctypes.c_int32, "u32"),
    64: (ctypes.c_uint64, ctypes.c_int64, "u64"),
}


def case(rng, bits, big):
    unsigned, signed, name = CONTAINERS[bits]
    widths, left = [], bits
    while left:
        w = rng.randint(1, min(left, rng.choice([3, 8, bits])))
        widths.append(w)
        left -= w
    fields, spec = [], []
    for i, w in enumerate(widths):
        is_signed = rng.random() < 0.4
        fields.append((f"f{i}", signed if is_signed else unsigned, w))
        spec.append(f"f{i}: {'i' if is_signed else ''}{w}")
    base = ctypes.BigEndianStructure if big else ctypes.LittleEndianStructure
    struct = type("S", (base,), {"_fields_": fields})
    if ctypes.sizeof(struct) != bits // 8:
        return None  # ctypes split the fields over several units: not a single container
    data = bytes(rng.randrange(256) for _ in range(bits // 8))
    s = struct.from_buffer_copy(data)
    values = {f: getattr(s, f) for f, _, _ in fields}
    suffix = ("be" if big else "le") if bits > 8 else ""
    order = "" if bits > 8 else (" msb" if big else " lsb")
    layout = f"h: bits {name}{suffix}{order} {{ {', '.join(spec)} }}"
    return f"{layout}\t{data.hex()}\t{json.dumps(values, separators=(',', ':'))}"


def main():
    rng = random.Random(11)
    lines = []
    for bits in (8, 16, 32, 64):
        for big in (True, False):
            made = 0
            while made < 12:
                line = case(rng, bits, big)
                if line:
                    lines.append(line)
                    made += 1
    with open("ctypes_bits.txt", "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
