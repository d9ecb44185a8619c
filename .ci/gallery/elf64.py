"""ELF64: the machine's own binaries (/bin/ls, a shared library) and an object file gcc writes, read by pyelftools."""

import shutil
import subprocess
from pathlib import Path

from elftools.elf import enums
from elftools.elf.elffile import ELFFile

SYSTEM = ["/bin/ls", "/bin/true", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libz.so.1"]


def make(tmp):
    files = []
    for p in SYSTEM:
        if Path(p).exists():
            f = tmp / Path(p).name
            shutil.copyfile(Path(p).resolve(), f)
            files.append(f)
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc:  # an object file: no program headers
        src = tmp / "obj.c"
        src.write_text("int counter = 3;\nconst char *name(void) { return \"gallery\"; }\n")
        subprocess.run([cc, "-c", "-O1", "-o", str(tmp / "obj.o"), str(src)], check=True)
        files.append(tmp / "obj.o")
    return files


NAMES = {}
for d in vars(enums).values():
    if isinstance(d, dict):
        NAMES.update({k: v for k, v in d.items() if isinstance(k, str) and isinstance(v, int)})


def num(v):
    """pyelftools shows known enum values by name: back to the number the file holds."""
    return NAMES[v] if isinstance(v, str) else v


def check(path, doc, cmp):
    with open(path, "rb") as fp:
        elf = ELFFile(fp)
        h = elf.header
        ident = h["e_ident"]
        cmp.eq("class", doc["class"], 2 if ident["EI_CLASS"] == "ELFCLASS64" else 1)
        cmp.eq("data", doc["data"], 1 if ident["EI_DATA"] == "ELFDATA2LSB" else 2)
        cmp.eq("osabi", doc["osabi"], num(ident["EI_OSABI"]))
        cmp.eq("abiversion", doc["abiversion"], ident["EI_ABIVERSION"])
        for k in ("e_type", "e_machine", "e_version", "e_entry", "e_phoff", "e_shoff", "e_flags", "e_ehsize",
                  "e_phentsize", "e_phnum", "e_shentsize", "e_shnum", "e_shstrndx"):
            cmp.eq(k, doc[k], num(h[k]))
        segs = list(elf.iter_segments())
        cmp.eq("phdrs (count)", len(doc.get("phdrs", [])), len(segs))
        for i, (p, seg) in enumerate(zip(doc.get("phdrs", []), segs)):
            for k in p:
                cmp.eq(f"phdrs[{i}].{k}", p[k], num(seg.header[k]))
        secs = list(elf.iter_sections())
        cmp.eq("shdrs (count)", len(doc["shdrs"]), len(secs))
        for i, (s, sec) in enumerate(zip(doc["shdrs"], secs)):
            for k in s:
                cmp.eq(f"shdrs[{i}].{k}", s[k], num(sec.header[k]))
            cmp.eq(f"section_names[{i}].name", doc["section_names"][i]["name"], sec.name)
