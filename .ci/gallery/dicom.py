"""DICOM: Part 10 files written by pydicom (explicit VR little endian; images with OW and OB pixel data, numbers of
every width, multi-valued text), read back by pydicom (its raw element parser and its typed values)."""

import numpy as np
import pydicom
from common import raw
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.filereader import data_element_generator
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

TEXT_PAD = b" \0"


def make(tmp):
    rng = np.random.default_rng(15)
    files = []
    for i, (bits, spp) in enumerate([(16, 1), (8, 3), (8, 1)]):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[f"gallery {i}"])
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = Dataset()
        ds.file_meta = meta
        ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
        ds.PatientName, ds.PatientID, ds.Modality = f"Gallery^Case{i}", str(1000 + i), "OT"
        ds.StudyDate, ds.StudyTime, ds.ImageComments = "20261202", "112233.5", "made by .ci/gallery/dicom.py" * (i + 1)
        ds.Rows, ds.Columns = 4 + i, 3 + 2 * i
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = bits, bits, bits - 1, 0
        ds.SamplesPerPixel = spp
        ds.PhotometricInterpretation = "RGB" if spp == 3 else "MONOCHROME2"
        if spp == 3:
            ds.PlanarConfiguration = 0
        ds.PixelSpacing, ds.SliceThickness, ds.WindowCenter = [0.5, 0.25 * (i + 1)], "1.5", [40, 400]
        ds.add_new(0x00181310, "US", [0, 64, 64, 0])  # AcquisitionMatrix
        ds.add_new(0x00180088, "DS", "2.0")  # SpacingBetweenSlices
        ds.add_new(0x00091010, "FD", [1.5, -2.25e300])  # private tags of each numeric VR
        ds.add_new(0x00091011, "FL", 0.1)
        ds.add_new(0x00091012, "SL", [-7, 2**31 - 1])
        ds.add_new(0x00091013, "SS", -300)
        ds.add_new(0x00091014, "UL", 4_000_000_000)
        ds.add_new(0x00091015, "AT", [0x00100010, 0x7FE00010])
        ds.add_new(0x00091016, "UT", "unlimited text " * 3)
        shape = (ds.Rows, ds.Columns, spp) if spp == 3 else (ds.Rows, ds.Columns)
        ds.PixelData = rng.integers(0, 2**bits, shape, dtype=np.uint16 if bits == 16 else np.uint8).tobytes()
        ds["PixelData"].VR = "OW" if bits == 16 else "OB"
        f = tmp / f"image{i}.dcm"
        ds.save_as(f, enforce_file_format=True)
        files.append(f)
    return files


def check(path, doc, cmp):
    with open(path, "rb") as fp:
        fp.seek(132)
        # pydicom's own element parser: the raw elements, in file order (meta group, then the data set).
        raws = list(data_element_generator(fp, is_implicit_VR=False, is_little_endian=True))
    full = pydicom.dcmread(path)
    typed = {el.tag: el for el in full.file_meta} | {el.tag: el for el in full}
    cmp.eq("elements (count)", len(doc["elements"]), len(raws))
    for i, (e, r) in enumerate(zip(doc["elements"], raws)):
        p = f"elements[{i}]"
        cmp.eq(f"{p} (tag)", (e["group"], e["element"]), (r.tag.group, r.tag.element))
        cmp.eq(f"{p}.vr", e["vr"], r.VR)
        cmp.eq(f"{p} (length)", e.get("length32", e.get("length16")), r.length)
        v, el = e["value"], typed[r.tag]
        if r.VR in ("OB", "UN"):
            cmp.eq(f"{p}.value", raw(v), el.value)
        elif r.VR == "OW":
            cmp.eq(f"{p}.value", np.array(v, "<u2").tobytes(), el.value)
        elif r.VR == "AT":
            cmp.seq(f"{p}.value", [(a["group"] << 16) | a["element"] for a in v], list(as_list(el.value)))
        elif r.VR in ("US", "SS", "UL", "SL", "FL", "FD", "UV", "SV"):
            dt = {"US": "<u2", "SS": "<i2", "UL": "<u4", "SL": "<i4", "FL": "<f4", "FD": "<f8", "UV": "<u8", "SV": "<i8"}
            cmp.seq(f"{p}.value", np.array(v, dt[r.VR]).tolist(), np.array(as_list(el.value), dt[r.VR]).tolist())
        else:  # text: the stored characters, without the padding pydicom also strips
            cmp.eq(f"{p}.value", v.encode().rstrip(TEXT_PAD), r.value.rstrip(TEXT_PAD))
            cmp.eq(f"{p}.value (as pydicom reads it)", v.rstrip(" \0").split("\\"), [str(x) for x in as_list(el.value)])


def as_list(value):
    return list(value) if isinstance(value, (list, pydicom.multival.MultiValue)) else [value]
