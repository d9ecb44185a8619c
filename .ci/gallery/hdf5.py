"""HDF5 superblock: files written by h5py (superblock versions 0, 2 and 3), read by the HDF5 library through h5py."""

import h5py
import numpy as np
from common import raw

CASES = [("earliest", False), ("v108", False), ("latest", False), ("latest", True)]


def make(tmp):
    files = []
    for i, (libver, swmr) in enumerate(CASES):
        f = tmp / f"f{i}-{libver}{'-swmr' if swmr else ''}.h5"
        with h5py.File(f, "w", libver=libver) as h:
            h["x"] = np.arange(10 * (i + 1), dtype="<f8")
            h.create_group("g").attrs["a"] = i
            if swmr:
                h.swmr_mode = True
        files.append(f)
    return files


def check(path, doc, cmp):
    with h5py.File(path, "r") as h:
        fid = h.id
        plist = fid.get_create_plist()
        version, _freelist, stab, shhdr = plist.get_version()
        cmp.eq("version", doc["version"], version)
        sb = doc["superblock"]
        sizes = plist.get_sizes()
        cmp.eq("size_of_offsets", sb["size_of_offsets"], sizes[0])
        cmp.eq("size_of_lengths", sb["size_of_lengths"], sizes[1])
        cmp.eq("base_address", sb["base_address"], plist.get_userblock())
        cmp.eq("end_of_file_address", sb["end_of_file_address"], fid.get_filesize())
        root = h5py.h5o.get_info(h5py.h5g.open(fid, b"/")).addr
        if version <= 1:
            cmp.eq("root_symbol_table_version", sb["root_symbol_table_version"], stab)
            cmp.eq("shared_header_version", sb["shared_header_version"], shhdr)
            cmp.eq("root.object_header_address", sb["root"]["object_header_address"], root)
        else:
            cmp.eq("root_object_header_address", sb["root_object_header_address"], root)
            # The checksum: the HDF5 library verified it when it opened the file (it refuses a bad one).
        cmp.eq("rest (size)", len(raw(doc["rest"])), fid.get_filesize() - (48 if version >= 2 else 96))

