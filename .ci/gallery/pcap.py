"""pcap: captures written by dpkt's pcap.Writer (both byte orders, micro- and nanosecond), read by dpkt's pcap.Reader."""

from decimal import Decimal

import dpkt
import numpy as np


def make(tmp):
    rng = np.random.default_rng(5)
    files = []
    for little in (True, False):
        for nano in (False, True):
            f = tmp / f"{'le' if little else 'be'}{'-ns' if nano else ''}.pcap"
            # dpkt's Writer writes the host's byte order; its class flag picks the other one.
            saved, dpkt.pcap.Writer._Writer__le = dpkt.pcap.Writer._Writer__le, little
            try:
                with open(f, "wb") as fp:
                    w = dpkt.pcap.Writer(fp, snaplen=1500, linktype=dpkt.pcap.DLT_EN10MB, nano=nano)
                    for k in range(20):
                        udp = dpkt.udp.UDP(sport=1000 + k, dport=53, data=rng.bytes(k * 7))
                        ip = dpkt.ip.IP(src=rng.bytes(4), dst=rng.bytes(4), p=17, data=udp)
                        eth = dpkt.ethernet.Ethernet(src=b"\x02" * 6, dst=b"\x04" * 6, data=ip)
                        w.writepkt(eth, ts=1_700_000_000 + k * 0.25 + (1e-9 if nano else 1e-6) * k)
            finally:
                dpkt.pcap.Writer._Writer__le = saved
            files.append(f)
    return files


def check(path, doc, cmp):
    with open(path, "rb") as fp:
        r = dpkt.pcap.Reader(fp)
        fh = r._Reader__fh
        little = isinstance(fh, dpkt.pcap.LEFileHdr)
        # binmap reads the magic as little-endian, before the byte order is known.
        cmp.eq("magic", doc["magic"], fh.magic if little else int.from_bytes(fh.magic.to_bytes(4, "big"), "little"))
        cmp.eq("version_major", doc["version_major"], fh.v_major)
        cmp.eq("version_minor", doc["version_minor"], fh.v_minor)
        cmp.eq("thiszone", doc["thiszone"], fh.thiszone)
        cmp.eq("sigfigs", doc["sigfigs"], fh.sigfigs)
        cmp.eq("snaplen", doc["snaplen"], r.snaplen)
        cmp.eq("linktype", doc["linktype"], r.datalink())
        divisor = r._divisor
        packets = list(r)
    cmp.eq("packets (count)", len(doc["packets"]), len(packets))
    for i, (p, (ts, buf)) in enumerate(zip(doc["packets"], packets)):
        frac = Decimal(p["ts_frac"]) if isinstance(divisor, Decimal) else p["ts_frac"]
        cmp.eq(f"packets[{i}] (ts_sec + ts_frac)", p["ts_sec"] + frac / divisor, ts)
        cmp.eq(f"packets[{i}].incl_len", p["incl_len"], len(buf))
        cmp.eq(f"packets[{i}].orig_len", p["orig_len"], len(buf))
        cmp.bytes(f"packets[{i}].data", p["data"], buf)
