"""CPython .pyc: written by py_compile in each invalidation mode, read by importlib (header) and marshal (code)."""

import importlib.util
import marshal
import os
import py_compile
from importlib import _bootstrap_external as bx

MODES = [py_compile.PycInvalidationMode.TIMESTAMP, py_compile.PycInvalidationMode.CHECKED_HASH,
         py_compile.PycInvalidationMode.UNCHECKED_HASH]


def make(tmp):
    files = []
    for i, mode in enumerate(MODES):
        src = tmp / f"mod{i}.py"
        src.write_text(f"X = {i}\n\ndef f(a, b=2):\n    return a * b + X  # {'padding ' * i}\n")
        os.utime(src, (1_700_000_000 + i, 1_700_000_000 + i))
        files.append(type(src)(py_compile.compile(str(src), cfile=str(tmp / f"mod{i}.pyc"), invalidation_mode=mode, doraise=True)))
    return files


def check(path, doc, cmp):
    data = path.read_bytes()
    src = path.with_suffix(".py")
    cmp.eq("magic", doc["magic_version"].to_bytes(2, "little") + doc["magic_crlf"].encode(), importlib.util.MAGIC_NUMBER)
    flags = bx._classify_pyc(data, path.name, {})  # the import system's own header check
    cmp.eq("flags", doc["flags"], flags)
    if flags == 0:
        st = os.stat(src)
        bx._validate_timestamp_pyc(data, int(st.st_mtime), st.st_size, path.name, {})  # raises ImportError on a mismatch
        cmp.eq("source_mtime", doc["source_mtime"], int(st.st_mtime) & 0xFFFFFFFF)
        cmp.eq("source_size", doc["source_size"], st.st_size & 0xFFFFFFFF)
    else:
        cmp.bytes("source_hash", doc["source_hash"], importlib.util.source_hash(src.read_bytes()))
    code = bytes(doc["code"])
    # marshal's reading of the bytes binmap decoded: the code object CPython compiles from the source.
    cmp.eq("code", marshal.loads(code), compile(src.read_bytes(), str(src), "exec", dont_inherit=True))
