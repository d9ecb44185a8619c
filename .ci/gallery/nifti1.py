"""NIfTI-1: .nii volumes written by nibabel (1 to 5 dimensions, every integer and float type, both byte orders,
scaling, q-form and s-form), read back by nibabel."""

import nibabel as nib
import numpy as np

CASES = [("uint8", (4, 5, 3), "<"), ("int16", (2, 3, 4), ">"), ("float32", (3, 3, 2, 4), "<"), ("float64", (7,), ">"),
         ("int8", (2, 2), "<"), ("uint16", (3, 2, 2, 2, 2), "<"), ("int32", (5, 4, 3), ">"), ("uint32", (2, 3), "<"),
         ("int64", (3, 3, 3), "<"), ("uint64", (2, 2, 2), ">")]


def make(tmp):
    rng = np.random.default_rng(10)
    files = []
    for i, (dt, shape, order) in enumerate(CASES):
        data = (rng.standard_normal(shape) * 50).astype(dt) if dt.startswith("f") else rng.integers(0, 100, shape).astype(dt)
        affine = np.diag([1.5, 2.0, 2.5 + i, 1.0])
        affine[:3, 3] = [-10.0, 20.0, i]
        hdr = nib.Nifti1Header(endianness=order)
        img = nib.Nifti1Image(data, affine, header=hdr)
        img.header.set_data_dtype(dt)
        img.header["descrip"] = f"gallery volume {i}".encode()
        img.header.set_xyzt_units("mm", "sec")
        if i % 3 == 0:
            img.header.set_slope_inter(0.5 + i, -3.0)
        f = tmp / f"v{i}-{dt}{order.replace('<', 'le').replace('>', 'be')}.nii"
        img.to_filename(f)
        files.append(f)
    return files


def check(path, doc, cmp):
    img = nib.load(path)
    with open(path, "rb") as fp:
        h = nib.Nifti1Header.from_fileobj(fp)  # nibabel's header as stored (img.header is adjusted on load)
    cmp.eq("sizeof_hdr (byte order)", doc["sizeof_hdr_le"] == 348, h.endianness == "<")
    dim = h["dim"].tolist()
    cmp.eq("ndim", doc["ndim"], dim[0])
    for k in range(1, 8):
        cmp.eq(f"dim{k}", doc[f"dim{k}"], dim[k])
    f4 = lambda v: np.array(v, "<f4").tolist()  # noqa: E731 - binmap prints float32 with float32's digits
    for k in ("intent_code", "datatype", "bitpix", "slice_start", "slice_end", "slice_code", "xyzt_units", "qform_code",
              "sform_code", "glmax", "glmin", "extents", "session_error", "dim_info"):
        cmp.eq(k, doc[k], int(h[k]))
    for k in ("vox_offset", "scl_slope", "scl_inter", "cal_max", "cal_min", "slice_duration", "toffset"):
        cmp.eq(k, f4(doc[k]), float(h[k]))
    cmp.seq("pixdim", f4(doc["pixdim"]), h["pixdim"].tolist())
    cmp.seq("intent_p", f4(doc["intent_p"]), [float(h[f"intent_p{k}"]) for k in (1, 2, 3)])
    cmp.seq("quatern", f4(doc["quatern"]), [float(h[f"quatern_{k}"]) for k in "bcd"])
    cmp.seq("qoffset", f4(doc["qoffset"]), [float(h[f"qoffset_{k}"]) for k in "xyz"])
    for k in ("srow_x", "srow_y", "srow_z"):
        cmp.seq(k, f4(doc[k]), h[k].tolist())
    for k in ("descrip", "aux_file", "intent_name", "magic", "data_type", "db_name"):
        cmp.eq(k, doc[k].encode(), h[k].item().rstrip(b"\0"))
    want = np.asanyarray(img.dataobj.get_unscaled())
    got = np.array(doc["voxels"], dtype=want.dtype.newbyteorder("="))
    cmp.eq("voxels (shape)", got.shape, want.shape)
    cmp.seq("voxels", got.ravel().tolist(), want.ravel().tolist())
