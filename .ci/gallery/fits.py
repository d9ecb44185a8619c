"""FITS: files written by astropy.io.fits (primary images of every BITPIX, image and binary-table extensions,
scaled data, many header cards), read back by astropy.io.fits."""

import numpy as np
from astropy.io import fits
from common import raw

BITPIX = {8: "u1", 16: ">i2", 32: ">i4", 64: ">i8", -32: ">f4", -64: ">f8"}


def make(tmp):
    rng = np.random.default_rng(19)
    files = []
    for i, (bitpix, shape) in enumerate([(8, (4, 5)), (16, (3, 2, 4)), (32, (7,)), (64, (2, 2, 2, 2)), (-32, (6, 3)),
                                         (-64, (2, 9))]):
        data = (rng.standard_normal(shape) * 100).astype(BITPIX[bitpix]) if bitpix < 0 else \
            rng.integers(0, 100, shape).astype(BITPIX[bitpix])
        hdu = fits.PrimaryHDU(data)
        hdu.header["OBSERVER"] = ("Gallery", "who observed")
        hdu.header["EXPOSURE"] = (1.5 * (i + 1), "seconds")
        hdu.header["EQUINOX"] = (2000.0, "equinox of the coordinates")
        hdu.header["COMMENT"] = "made by .ci/gallery/fits.py"
        hdul = fits.HDUList([hdu])
        if i % 2 == 0:
            hdul.append(fits.ImageHDU(rng.integers(0, 9, (3, 3)).astype(">i2"), name="EXTRA", ver=2))
            cols = [fits.Column(name="id", format="J", array=np.arange(4)),
                    fits.Column(name="flux", format="D", array=rng.standard_normal(4))]
            hdul.append(fits.BinTableHDU.from_columns(cols, name="TABLE"))
        f = tmp / f"f{i}.fits"
        hdul.writeto(f)
        files.append(f)
    empty = tmp / "empty.fits"
    fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(np.zeros((2, 2), ">f4"))]).writeto(empty)
    files.append(empty)
    return files


def check(path, doc, cmp):
    typed = 0
    with fits.open(path) as hdul:
        cmp.eq("hdus (count)", len(doc["hdus"]), len(hdul))
        for k, (h, hdu) in enumerate(zip(doc["hdus"], hdul)):
            p = f"hdus[{k}]"
            hdr = hdu.header
            cmp.eq(f"{p}.bitpix", h["bitpix"]["value"], hdr["BITPIX"])
            cmp.eq(f"{p}.naxis", h["naxis"]["value"], hdr["NAXIS"])
            for n in range(1, hdr["NAXIS"] + 1):
                cmp.eq(f"{p}.naxis{n}", h[f"naxis{n}"]["value"], hdr[f"NAXIS{n}"])
            if "pcount" in h:
                cmp.eq(f"{p}.pcount", h["pcount"]["value"], hdr["PCOUNT"])
                cmp.eq(f"{p}.gcount", h["gcount"]["value"], hdr["GCOUNT"])
            # Every other card, in order, as astropy parses it from its image (keyword, then the text).
            cards = [c for c in hdr.cards][3 + hdr["NAXIS"] + (2 if "pcount" in h else 0):]
            got = [c["keyword"].rstrip() for c in h["cards"]][:-1]  # the END card closes the list
            cmp.seq(f"{p}.cards (keywords)", got, [c.keyword for c in cards])
            for j, (c, card) in enumerate(zip(h["cards"], cards)):
                rest = c["rest"]
                if isinstance(rest, str):  # a card kept as text
                    cmp.eq(f"{p}.cards[{j}]", (c["keyword"] + rest).rstrip(), card.image.rstrip())
                    continue
                typed += 1
                want = {True: "T", False: "F"}.get(card.value, card.value) if isinstance(card.value, bool) else card.value
                cmp.eq(f"{p}.cards[{j}].rest.value ({card.keyword})", rest["value"], want)
                cmp.eq(f"{p}.cards[{j}].rest.value (type)", type(rest["value"]), type(want))
                cmp.eq(f"{p}.cards[{j}].rest.comment", rest["comment"].rstrip().removeprefix(" / "), card.comment)
            if isinstance(hdu, (fits.PrimaryHDU, fits.ImageHDU)) and hdr["NAXIS"] > 0:
                raw_data = np.asarray(fits.getdata(path, ext=k, do_not_scale_image_data=True))
                got_data = np.array(h["data"], dtype=raw_data.dtype.newbyteorder("=")).reshape(raw_data.shape)
                cmp.seq(f"{p}.data", got_data.ravel().tolist(), raw_data.ravel().tolist())
            elif hdr["NAXIS"] > 0:  # tables: the rows' bytes, as astropy's raw record array holds them
                cmp.eq(f"{p}.data", raw(h["data"])[: hdr["NAXIS1"] * hdr["NAXIS2"]], hdu.data.tobytes() if hdu.data is not None else b"")
    cmp.eq("some cards have typed values (EXPOSURE at least)", typed > 0, True)
