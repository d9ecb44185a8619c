"""SQLite: databases written by Python's sqlite3 (several page sizes, encodings, WAL), read by SQLite's PRAGMAs and dbstat."""

import sqlite3

CASES = [(512, "UTF-8", "delete"), (4096, "UTF-16le", "delete"), (1024, "UTF-16be", "wal"), (65536, "UTF-8", "delete")]


def make(tmp):
    files = []
    for i, (page_size, encoding, journal) in enumerate(CASES):
        f = tmp / f"db{i}-{page_size}.sqlite"
        con = sqlite3.connect(f)
        con.execute(f"PRAGMA page_size = {page_size}")
        con.execute(f"PRAGMA encoding = '{encoding}'")
        con.execute(f"PRAGMA journal_mode = {journal}")
        con.execute(f"PRAGMA user_version = {7 + i}")
        con.execute(f"PRAGMA default_cache_size = {100 * i}")  # 0: the library's default
        con.execute(f"PRAGMA application_id = {0x1234 * (i + 1)}")
        con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, value REAL)")
        con.execute("CREATE INDEX t_name ON t (name)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(k, f"name {k % 97}", k / 3) for k in range(40 + 300 * i)])
        con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)") if journal == "wal" else None
        con.close()
        files.append(f)
    return files


def check(path, doc, cmp):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    page = q("PRAGMA page_size")
    cmp.eq("page_size", 65536 if doc["page_size"] == 1 else doc["page_size"], page)
    cmp.eq("page_count", doc["page_count"], q("PRAGMA page_count"))
    cmp.eq("freelist_count", doc["freelist_count"], q("PRAGMA freelist_count"))
    cmp.eq("schema_cookie", doc["schema_cookie"], q("PRAGMA schema_version"))
    cmp.eq("user_version", doc["user_version"], q("PRAGMA user_version"))
    cmp.eq("application_id", doc["application_id"], q("PRAGMA application_id"))
    cmp.eq("text_encoding", ["UTF-8", "UTF-16le", "UTF-16be"][doc["text_encoding"] - 1], q("PRAGMA encoding"))
    cmp.eq("incremental_vacuum", doc["incremental_vacuum"], int(q("PRAGMA auto_vacuum") == 2))
    cmp.eq("largest_root_page", doc["largest_root_page"] != 0, q("PRAGMA auto_vacuum") != 0)
    if doc["default_cache_size"]:  # 0 in the header: PRAGMA reports the compiled-in default instead
        cmp.eq("default_cache_size", doc["default_cache_size"], q("PRAGMA default_cache_size"))
    wal = q("PRAGMA journal_mode") == "wal"
    cmp.eq("write_version", doc["write_version"], 2 if wal else 1)
    cmp.eq("read_version", doc["read_version"], 2 if wal else 1)
    a, b, c = (int(x) for x in sqlite3.sqlite_version.split("."))
    cmp.eq("sqlite_version_number", doc["sqlite_version_number"], a * 1_000_000 + b * 1000 + c)
    cmp.eq("version_valid_for", doc["version_valid_for"], doc["file_change_counter"])
    # Every page's b-tree header against SQLite's own page analysis (the dbstat virtual table).
    kind = dict(con.execute("SELECT name, type FROM sqlite_schema").fetchall())
    kind["sqlite_schema"] = "table"
    stat = {r[1]: r for r in con.execute("SELECT name, pageno, pagetype, ncell, unused, path FROM dbstat")}
    by_path = {(r[0], r[5]): r[1] for r in stat.values()}
    pages = [doc["first_page"]] + doc["pages"]
    cmp.eq("pages (count)", len(pages), len(stat))
    for no, p in enumerate(pages, start=1):
        name, _, pagetype, ncell, unused, path_ = stat[no]
        h = p["btree"]
        where = "first_page" if no == 1 else f"pages[{no - 2}]"
        want_type = {("internal", "index"): 2, ("internal", "table"): 5, ("leaf", "index"): 10, ("leaf", "table"): 13}
        cmp.eq(f"{where}.btree.page_type", h["page_type"], want_type[(pagetype, kind[name])])
        cmp.eq(f"{where}.btree.cell_count", h["cell_count"], ncell)
        cmp.eq(f"{where}.cell_pointers (count)", len(p["cell_pointers"]), ncell)
        if h["first_freeblock"] == 0:  # dbstat's unused bytes: gap + fragments (+ freeblocks, none here)
            start = h["cell_content_start"] or 65536
            header = (100 if no == 1 else 0) + (12 if h["page_type"] <= 5 else 8)
            cmp.eq(f"{where} (unused bytes)", start - header - 2 * ncell + h["fragmented_bytes"], unused)
        if h["page_type"] <= 5:  # the right-most child: dbstat's path of child number ncell
            cmp.eq(f"{where}.btree.right_child", h["right_child"], by_path[(name, f"{path_}{ncell:03x}/")])
    con.close()
