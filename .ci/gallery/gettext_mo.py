"""gettext .mo: catalogs written by Babel's write_mo and by GNU msgfmt (both byte orders, with its hash table),
with plural forms and contexts, read back by Python's gettext.GNUTranslations."""

import gettext
import shutil
import subprocess

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

PO = r'''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

msgid "apple"
msgstr "pomme"

msgid "one file"
msgid_plural "%d files"
msgstr[0] "un fichier"
msgstr[1] "%d fichiers"

msgctxt "menu"
msgid "Open"
msgstr "Ouvrir"

msgid "naïve"
msgstr "naïf"
'''


def make(tmp):
    c = Catalog(locale="fr")
    c.add("apple", "pomme")
    c.add(("one file", "%d files"), ("un fichier", "%d fichiers"))
    c.add("Open", "Ouvrir", context="menu")
    for k in range(20):
        c.add(f"message {k}", f"le message {k}")
    files = [tmp / "babel.mo"]
    with open(files[0], "wb") as f:
        write_mo(f, c)
    msgfmt = shutil.which("msgfmt")  # GNU gettext's own compiler, when the machine has it
    if msgfmt:
        po = tmp / "fr.po"
        po.write_text(PO, encoding="utf-8")
        for order in ("little", "big"):
            out = tmp / f"msgfmt-{order}.mo"
            subprocess.run([msgfmt, f"--endianness={order}", "-o", str(out), str(po)], check=True)
            files.append(out)
    return files


def check(path, doc, cmp):
    with open(path, "rb") as fp:
        t = gettext.GNUTranslations(fp)
    cmp.eq("count", doc["count"], len({k[0] if isinstance(k, tuple) else k for k in t._catalog}))
    for i, (o, tr) in enumerate(zip(doc["originals"], doc["translations"])):
        msgid, msgstr = o["text"], tr["text"]
        cmp.eq(f"originals[{i}].length", o["length"], len(msgid.encode()))
        cmp.eq(f"translations[{i}].length", tr["length"], len(msgstr.encode()))
        if "\0" in msgid:  # a plural entry: msgid NUL msgid_plural; translations NUL-separated, one per form
            forms = msgstr.split("\0")
            cmp.seq(f"translations[{i}] (plural forms)", forms, [t._catalog[(msgid.split("\0")[0], n)] for n in range(len(forms))])
        else:
            cmp.eq(f"translations[{i}]", msgstr, t._catalog[msgid])
    if doc["hash_size"]:
        cmp.eq("hash (entries used)", sum(1 for h in doc["hash"] if h), doc["count"])
