"""gzip: files written by Python's gzip (FNAME, mtime, compression levels) and, for the flags no stdlib writer sets
(FTEXT, FHCRC, FEXTRA, FCOMMENT), a header assembled per RFC 1952 around zlib's raw DEFLATE stream; all read back by
Python's gzip reader, which checks the header CRC, the CRC-32 and the size."""

import gzip
import struct
import zlib

from common import raw

DATA = b"binmap gallery: gzip members\n" * 200
# What each file's writer was given for the parts no Python reader returns (name, comment, extra subfields).
GIVEN = {}


def make(tmp):
    files = []
    for level in (1, 9):
        f = tmp / f"named{level}.txt.gz"
        with open(f, "wb") as fp, gzip.GzipFile(filename="named.txt", mode="wb", fileobj=fp, compresslevel=level,
                                               mtime=1_700_000_000 + level) as g:
            g.write(DATA[: 1000 * level])
        GIVEN[f.name] = {"name": b"named.txt"}
        files.append(f)
    f = tmp / "plain.gz"
    f.write_bytes(gzip.compress(DATA, mtime=0))
    files.append(f)
    # Every flag: zlib writes the DEFLATE stream; the header's optional parts follow RFC 1952.
    for k, flags in enumerate([0x1F, 0x04 | 0x10, 0x02 | 0x08]):
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = comp.compress(DATA) + comp.flush()
        head = b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<I", 1_234_567_890 + k) + b"\x00\x03"
        if flags & 4:
            sub = b"AP" + struct.pack("<H", 6) + b"\x01\x02\x03\x04\x05\x06" + b"ZZ" + struct.pack("<H", 0)
            head += struct.pack("<H", len(sub)) + sub
        if flags & 8:
            head += b"every-flag.txt\x00"
        if flags & 16:
            head += "a comment, Latin-1: caf\xe9".encode("latin-1") + b"\x00"
        if flags & 2:
            head += struct.pack("<H", zlib.crc32(head) & 0xFFFF)
        f = tmp / f"flags{flags:02x}.gz"
        GIVEN[f.name] = {"name": b"every-flag.txt", "comment": "a comment, Latin-1: caf\xe9".encode("latin-1"),
                         "extra": [("AP", b"\x01\x02\x03\x04\x05\x06"), ("ZZ", b"")]}
        f.write_bytes(head + body + struct.pack("<II", zlib.crc32(DATA), len(DATA)))
        files.append(f)
    return files


def check(path, doc, cmp):
    data = path.read_bytes()
    with gzip.GzipFile(path) as g:  # Python's reader: header (checks FHCRC), inflate, CRC-32 and ISIZE checks
        content = g.read()
        mtime = g.mtime
    m = doc["member"]
    cmp.eq("member.mtime", m["mtime"], mtime)
    cmp.eq("member.method", m["method"], 8)
    cmp.eq("crc32", doc["crc32"], zlib.crc32(content))  # the reader verified the file's against its own
    cmp.eq("isize", doc["isize"], len(content) & 0xFFFFFFFF)
    # The DEFLATE bytes binmap cut out inflate to what the reader read.
    cmp.eq("member.deflate (inflated)", zlib.decompress(bytes(m["deflate"]), -15), content)
    flags = m["flags"]
    cmp.eq("member.flags", flags, data[3])
    given = GIVEN.get(path.name, {})
    if flags & 8:  # FNAME: what the writer was given (Python's reader skips it)
        cmp.eq("member.name", raw(m["name"]), given["name"])
    if flags & 16:
        cmp.eq("member.comment", raw(m["comment"]), given["comment"])
    if flags & 4:
        cmp.eq("member.extra", [(e["id"], raw(e["data"])) for e in m["extra"]], given["extra"])
