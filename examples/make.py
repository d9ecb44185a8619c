#!/usr/bin/env python3
"""Generate the example files of the two seed tutorials, exactly as they do.

    python3 examples/make.py        # from anywhere; writes next to this file

Files (see README.md for each one's layout and the Python that reads it):

* data.bin        tutorial 000: int32 rows=6, cols=5 header, then 6x5 float64 0..29
* db.dat          tutorial 000: 8 records name S12 / time int64 / value float32 (tofile)
* tmp.b           tutorial 004: struct.pack('!id5s', 123, 0.1, b'hello')
* array.b         tutorial 004: struct 'i' count=100 then linspace(0, 1, 100) as 'd'
* array.npy       tutorial 004: np.save('array.npy', x) of the same linspace
* flight_path.b   tutorial 004, exercise 3: int32 M, int32 N, M bytes UTF-8, N x (x,y,z) f64
* flight_log.b    tutorial 004, exercise 4: int32 N=25, then 25 x (t,x,y,z) f64

flight_log.b: the tutorial produces it with obfuscated code,
`exec(base64.a85decode(tmp_)[::-1])`. We never exec it: the decoded text is
`h = '<hex>'` followed by code that writes `bytes.fromhex(h)` to the file; we
take the hex literal out of the text with a regular expression and write it.
"""

import ast
import base64
import re
import struct
from pathlib import Path

import numpy as np
from numpy import dtype, int32

HERE = Path(__file__).resolve().parent

# The tutorial's string, verbatim (004, exercise 4).
TMP_ = b'.4AbKDero9AdTt9BIJ+:BPh[.AhJ.9FEq=DATVX,G:mJ7.48SK-Qjrf@P2;3CgV9tB5)0o-R`kDE,Qj^+D(s.0JkdJ0JG170JG170JG170JkRB2`YD&@5qaPAM[gQ0Om("1bppEA2n%02J$GX0Jm2u1b^U;0JG170JG170Jk^H0OZhM0J[/r@:V*\'0JkRB2`YA&2_[0J2e+O"0Om("1brJq2`W]P1c&Vq0JkaLAS!PT0JG170JG170Jm2r1H.7(0k3("1LacQ0JkRB2`YA%3A>#QAn<t]0Om("1bq!J3&P/&1LXg+0Jk^K3Fjft0JG170JG480Jk^H2J+m%3+HP\\2.g?,0JkRB2`YG)2Dei!2`3?J0Om("1brT!2)I3MAh[gU0Jk[J1Li*u0JG170JG170JkdJ2*!R+3&kD*@U`h,0JkRB2E>2X0ebFD@5]fJ0Om("1bq\'MA2uG*0judp0JkXIARR8H0JG170JG170JkdJAhuGX1GCgDAi28O0JkRB2`YG\'0K<Z"2`NcN0Om("1bpaF1,`QQ@5foP0JkUH3&rZP0JG170JG170Jk^H0K<N$@PT`"0P4lP0JkRB2`Y;)2`5#%0k4fT0Om("1bq$N3&tM.0f!/l0JkRG1H7\'B0JG170JG170JkaI2.AR(3AG)#1c@4#0JkRB2`YGX0K<QQ1M&7N0Om("1bq\'O@:hN31c@9P0JkOFA2Z,$0JG170JG170JkdJAM@[T@lQ5!0OlnN0JkRB2`Y>Y1,Upu0Out!0Om("1bq("@l@aO@lS\'X0JkLE3&NBD0JG170JG170Jm2r1,(C>0k<!o0Jd2s0JkRB3&rfQ3+=m[@PVFI0Om("1bq%$AS,C31c[<N0JkID1,L[E0JG170JG170Jm2r2.JX+1GWGs2E>8*0JkRB3&rg(3&tG&0f*?!0Om("1bq%$@l@gO0JtXr0Jm?#@5T_m0JG170JG480Jk^H2`3QT2)R*HA78q\'0JkRB3&tJ/@UinZ0P+`M0Om("1bpdq@Q7sZ0K1t\'0Jm9!Ahl%o0JG170JG170JkdJ1c@\'K3AP&%0ekFo0JkRB3&tDW1M($+11`=P0Om("1brW%1HAr)1,_\'N0Jm2t1b^U;0JG170JG170JkdJAS,C/2DR-I@:Ee.0JkRB3&tJY2)o/)@5T`!0Om("1bq$M0fV1%@q.JP0Jk^J3Fjft0JG170JG480JkaI3&"fN1Lap)2e"^T0JkRB3&rs/0f(du2J$JT0Om("1bpsJ2)R0DAS!_S0JkXHARR8H0JG170JG170Jm2r2Dm<I2.87M2.ARV0JkRB3&rm.A7@JT1LjlK0Om("1bpgE3B/rW0f(e#0JkRF1H7\'B0JG170JG170Jm2rARo71@5;D*1h/3p0JkRB3&r[%@lQJZAiMP*0Om("1bpmD0k=^$0OeQN0JkLD3&NBD0JG170JG170Jm5s0f(LD2DdF&1Li4$0JkRB3&riU1GpmI3&b>(0Om("1bppE2`3O&0fCdI0Jm?"@5T_m0JG170JG480Jm2rA2,tr@:;\'*A27[T0JkRB3&tD)@V.S[ARf:+0Om("1bq\'I2E3HOAn*i20Jm2s1b^U;0JG170JG170Jm2r2Do&$A2RmR2)A`P0JkRB3&roV2DJZM2*#/*0Om("1GUe!A2H#N1c])V0JkXGARR8H0JG170JG170JkdJ3A>&(2ISI%A2?)\'0JkRB3&ruW@5MM\'2)I(#0Om("1bq$I@lZ5"3Fk\'X0JkLC3&NBD0JG170JG170JkaI0JI&u1L`*t@:iqV0JkRB3&tD+0k3.RARd_Y0Om("1bpan1H7?L2)I<I0Jm2r1b^U;0JG170JG170Jm5sA27Y,2e?N0@pq>R0JkRB3&rfRA2n$W3&30t0Om("1bq"#2E<^.A7fF40JkLB3&NBD0JG170JG170Jk^H1L`7&3&``PAhdb)0JkRB3&riVARm`11H8r%0Om("2)8Vq2dnR#AN;PT0JkLA3&NBD0JG170JG170JkdJ0JG170JG170JG170JkRB3&roW0f(du3&!$u0Om("2)7!I2)[ES@5)4K0JG170JG170JG170JG170JG170JGLA-QkPpBE'


def data_bin():
    header_dtype = dtype([('rows', int32), ('cols', int32)])
    header = np.array((6, 5), dtype=header_dtype)
    data = np.arange(30, dtype='float64').reshape(6, 5)
    with open(HERE / 'data.bin', 'wb') as f:
        header.tofile(f)
        data.tofile(f)


def db_dat():
    fmt = np.dtype([('name', 'S12'), ('time', np.int64), ('value', np.float32)])
    v = [('MSFT_profit', 10, 6.20),
         ('GOOG_profit', 12, -1.08),
         ('MSFT_profit', 18, 8.40),
         ('INTC_profit', 25, -0.20),
         ('GOOG_profit', 1000325, 3.20),
         ('GOOD_profit', 1000350, 4.50),
         ('INTC_profit', 1000385, -1.05),
         ('MSFT_profit', 1000390, 5.60)]
    arr = np.array(v, dtype=fmt)
    arr.tofile(HERE / 'db.dat')


def tmp_b():
    message = "hello"
    data = struct.pack('!id5s', 123, 0.1, bytes(message, 'utf-8'))
    (HERE / 'tmp.b').write_bytes(data)


def array_b():
    x = np.linspace(0, 1, 100)
    data = struct.pack('i', len(x))
    for v in x:
        data += struct.pack('d', v)
    (HERE / 'array.b').write_bytes(data)


def array_npy():
    # Tutorial 004, "Binary vs. Text": np.save('array.npy', x) (928 bytes:
    # a 128-byte header, then the 800 bytes of data).
    x = np.linspace(0, 1, 100)
    np.save(HERE / 'array.npy', x)


def flight_path_b():
    info = """Flight path around MHK starting from Ward Hall 
and ending at beverages using a fixed altitude of 200 ft."""
    coords = [(-96.5852293, 39.1916258, 200.0000000),
              (-96.5627603, 39.1911535, 200.0000000),
              (-96.5686058, 39.1943873, 200.0000000),
              (-96.5759980, 39.1921672, 200.0000000),
              (-96.5714061, 39.1793939, 200.0000000),
              (-96.5657687, 39.1801007, 200.0000000)]
    text = info.encode('utf-8')
    data = struct.pack('<ii', len(text), len(coords)) + text
    for x, y, z in coords:
        data += struct.pack('<ddd', x, y, z)
    (HERE / 'flight_path.b').write_bytes(data)


def flight_log_b():
    code = base64.a85decode(TMP_)[::-1].decode('ascii')
    m = re.match(r"h = ('[0-9a-f]*')\n", code)
    assert m, "unexpected decoded text"
    h = ast.literal_eval(m.group(1))  # a plain string literal, nothing run
    data = bytes.fromhex(h)
    n = struct.unpack_from('<i', data)[0]
    assert len(data) == 4 + n * 4 * 8, (n, len(data))
    (HERE / 'flight_log.b').write_bytes(data)


if __name__ == '__main__':
    for make in (data_bin, db_dat, tmp_b, array_b, array_npy, flight_path_b, flight_log_b):
        make()
    for name in ('data.bin', 'db.dat', 'tmp.b', 'array.b', 'array.npy', 'flight_path.b', 'flight_log.b'):
        print('%-14s %5d bytes' % (name, (HERE / name).stat().st_size))
