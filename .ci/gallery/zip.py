"""ZIP: archives written by Python's zipfile (stored, deflated, bzip2, lzma; comments; ZIP64 end records), read by zipfile."""

import zipfile

from common import raw

METHODS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


def make(tmp):
    files = []
    for i, method in enumerate(METHODS):
        f = tmp / f"a{i}.zip"
        with zipfile.ZipFile(f, "w", compression=method, allowZip64=True) as z:
            z.comment = f"archive comment {i}: ünïcode ok".encode()
            for k in range(3 + i):
                info = zipfile.ZipInfo(f"dir/member{k}.txt", date_time=(1999 + k, 1 + k, 2 + k, 3, 4 + k, 6 * k))
                info.compress_type = method
                info.comment = b"member comment" * (k % 2)
                z.writestr(info, ("line %d\n" % k) * (40 * k + 1))
            if i == 3:  # a ZIP64 end record: forced by a member opened with force_zip64
                with z.open("big.bin", "w", force_zip64=True) as w:
                    w.write(b"\0" * 1000)
        files.append(f)
    return files


def check(path, doc, cmp):
    z = zipfile.ZipFile(path)
    recs = [(r["signature"], r["body"]) for r in doc["records"]]
    locals_ = [b for s, b in recs if s == 0x04034B50]
    centrals = [b for s, b in recs if s == 0x02014B50]
    end = [b for s, b in recs if s == 0x06054B50]
    infos = z.infolist()
    cmp.eq("local headers (count)", len(locals_), len(infos))
    cmp.eq("central headers (count)", len(centrals), len(infos))
    cmp.eq("end records (count)", len(end), 1)
    cmp.bytes("end.comment", end[0]["comment"], z.comment)
    cmp.eq("end.total_entries", end[0]["total_entries"], len(infos))
    zip64 = [b for s, b in recs if s == 0x06064B50]
    if zip64:
        cmp.eq("zip64 end.total_entries", zip64[0]["total_entries"], len(infos))
        cmp.eq("zip64 end.cd_offset", zip64[0]["cd_offset"], z.start_dir)
    else:
        cmp.eq("end.cd_offset", end[0]["cd_offset"], z.start_dir)
    for i, (loc, cen, info) in enumerate(zip(locals_, centrals, infos)):
        for name, h in (("local", loc), ("central", cen)):
            p = f"{name}[{i}]"
            cmp.eq(f"{p}.name", h["name"], info.filename)
            cmp.eq(f"{p}.method", h["method"], info.compress_type)
            cmp.eq(f"{p}.flags", h["flags"], info.flag_bits)
            cmp.eq(f"{p}.crc32", h["crc32"], info.CRC)
            d, t = h["mod_date"], h["mod_time"]
            dt = ((d >> 9) + 1980, (d >> 5) & 15, d & 31, t >> 11, (t >> 5) & 63, (t & 31) * 2)
            cmp.eq(f"{p}.mod_date/mod_time", dt, info.date_time)
            if h["compressed_size"] != 0xFFFFFFFF:
                cmp.eq(f"{p}.compressed_size", h["compressed_size"], info.compress_size)
                cmp.eq(f"{p}.uncompressed_size", h["uncompressed_size"], info.file_size)
        cmp.eq(f"central[{i}].version_made_by", cen["version_made_by"], info.create_system << 8 | info.create_version)
        cmp.eq(f"central[{i}].version_needed", cen["version_needed"], info.extract_version)
        cmp.eq(f"central[{i}].external_attr", cen["external_attr"], info.external_attr)
        cmp.eq(f"central[{i}].internal_attr", cen["internal_attr"], info.internal_attr)
        cmp.eq(f"central[{i}].local_header_offset", cen["local_header_offset"], info.header_offset)
        cmp.bytes(f"central[{i}].comment", cen["comment"], info.comment)
        cmp.bytes(f"central[{i}].extra", cen["extra"], info.extra)
        # The member's bytes as binmap cut them, decompressed by zipfile's own decompressor: the member's contents.
        data = raw(loc["data"])
        if info.compress_type == zipfile.ZIP_STORED:
            got = data
        else:
            dec = zipfile._get_decompressor(info.compress_type)
            got = dec.decompress(data)
        cmp.eq(f"local[{i}].data", got, z.read(info))
        if "zip64" in loc:
            cmp.eq(f"local[{i}].zip64.compressed_size", loc["zip64"]["compressed_size"], info.compress_size)
            cmp.eq(f"local[{i}].zip64.uncompressed_size", loc["zip64"]["uncompressed_size"], info.file_size)
