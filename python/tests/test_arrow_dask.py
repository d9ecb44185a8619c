"""Arrow, pandas, DuckDB over the Arrow stream, and Dask on a LocalCluster
of two workers: groupby-sum and a filter match numpy on the concatenated
data of several files."""

from __future__ import annotations

import json
import pathlib
import threading
import time

import numpy as np
import pytest

import binmap
from conftest import EXAMPLES

pa = pytest.importorskip("pyarrow")
TICK = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])
NAMES = [b"MSFT_profit", b"GOOG_profit", b"INTC_profit", b"GOOD_profit"]


def ticks(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    arr = np.zeros(n, TICK)
    arr["name"] = np.array(NAMES)[rng.integers(0, len(NAMES), n)]
    arr["time"] = np.arange(n) * 7 + seed
    arr["value"] = rng.normal(size=n).astype(np.float32)
    return arr


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list:
    d = tmp_path_factory.mktemp("ticks")
    out = []
    for i, n in enumerate([50_000, 1, 0, 123_457]):
        p = d / f"ticks{i}.dat"
        ticks(n, i).tofile(p)
        out.append(p)
    return out


def test_to_arrow_and_pandas_are_the_records() -> None:
    f = binmap.open(EXAMPLES / "db.dat", EXAMPLES / "db.bml")
    ref = np.fromfile(EXAMPLES / "db.dat", TICK)
    t = f.to_arrow("records")
    assert t.column_names == ["name", "time", "value"]
    assert t["time"].to_numpy().tolist() == ref["time"].tolist()
    assert t["value"].to_numpy().tobytes() == ref["value"].tobytes()
    assert t["name"].to_pylist() == [n.decode() for n in ref["name"]]
    df = f.to_pandas()
    assert df["value"].sum() == pytest.approx(float(ref["value"].sum()), rel=1e-6)
    assert f.to_arrow(rows="-3..").num_rows == 3
    assert f.to_arrow(rows=slice(2, 5))["time"].to_pylist() == ref["time"][2:5].tolist()


def test_select_and_stats_match_numpy(files) -> None:
    p = files[-1]
    ref = np.fromfile(p, TICK)
    f = binmap.open(p, binmap.layout_from_dtype(TICK))
    got = f.select(where='name == "MSFT_profit" && value > 0.5')
    want = ref[(ref["name"] == b"MSFT_profit") & (ref["value"] > np.float32(0.5))]
    assert got.tobytes() == want.tobytes()
    tab = f.select(where="value < -1", as_arrow=True, fields=["time"])
    assert tab["time"].to_pylist() == ref["time"][ref["value"] < -1].tolist()
    st = f.stats("value", by="name", where="value > 0")
    for _, row in st.iterrows():
        sel = ref["value"][(ref["name"] == row["name"].encode()) & (ref["value"] > 0)]
        assert row["count"] == len(sel)
        assert row["sum"] == pytest.approx(float(sel.astype(np.float64).sum()), rel=1e-9)
        assert row["max"] == pytest.approx(float(sel.max()), rel=1e-6)


def test_duckdb_over_the_arrow_reader(files) -> None:
    duckdb = pytest.importorskip("duckdb")
    p = files[-1]
    ref = np.fromfile(p, TICK)
    f = binmap.open(p, binmap.layout_from_dtype(TICK))
    reader = f.to_arrow_reader("records", batch_rows=10_000)
    got = duckdb.sql(
        "select name, sum(value) as s, count(*) as n from reader group by name order by name"
    ).fetchall()
    for name, s, n in got:
        sel = ref["value"][ref["name"] == name.encode()]
        assert n == len(sel)
        assert s == pytest.approx(float(sel.astype(np.float64).sum()), rel=1e-6, abs=1e-6)


def test_polars_over_the_arrow_reader(files) -> None:
    """Polars reads the stream eagerly (``from_arrow``) and scans it lazily
    (``scan_arrow_c_stream``), batch by batch: the same group sums as numpy."""
    pl = pytest.importorskip("polars")
    p = files[-1]
    ref = np.fromfile(p, TICK)
    f = binmap.open(p, binmap.layout_from_dtype(TICK))
    want = {
        n.decode(): float(ref["value"][ref["name"] == n].astype(np.float64).sum()) for n in NAMES
    }
    df = pl.from_arrow(f.to_arrow_reader("records", batch_rows=10_000))
    assert df.shape == (len(ref), 3)
    assert df["time"].to_list() == ref["time"].tolist()
    lazy = pl.scan_arrow_c_stream(f.to_arrow_reader("records", batch_rows=7_777))
    got = (
        lazy.filter(pl.col("value") > -100)
        .group_by("name")
        .agg(pl.col("value").cast(pl.Float64).sum().alias("s"), pl.len().alias("n"))
        .collect()
    )
    assert sorted(got["name"].to_list()) == sorted(want)
    for name, s, n in got.iter_rows():
        assert n == int((ref["name"] == name.encode()).sum())
        assert s == pytest.approx(want[name], rel=1e-9, abs=1e-9)


def test_gil_is_released_during_scans(tmp_path: pathlib.Path) -> None:
    """Another Python thread keeps running during one long scan (with the GIL
    held it could not run at all until the call returns)."""
    p = tmp_path / "big.bin"
    n = 4_000_000
    np.arange(n, dtype="<f8").tofile(p)
    f = binmap.open(p, "v: f64[..]")
    ticks: list = []
    done = threading.Event()

    def count() -> None:
        while not done.is_set():
            ticks.append(1)
            time.sleep(0.0002)

    t = threading.Thread(target=count)
    t.start()
    while not ticks:
        time.sleep(0.001)
    during = []
    for scan in (
        lambda: f.stats(where="v % 7 == 3 && v > 10", as_frame=False),
        lambda: f.where("v % 5 == 1 || v < 0"),
        lambda: f.to_arrow(),
    ):
        before = len(ticks)
        start = time.perf_counter()
        scan()
        elapsed = time.perf_counter() - start
        during.append((len(ticks) - before, elapsed))
    done.set()
    t.join()
    # Each scan takes tens of milliseconds; the counter ran meanwhile.
    assert sum(c for c, _ in during) >= 6, during


def test_dask_dataframe_on_a_local_cluster(files) -> None:
    pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("dask.distributed")
    import binmap.dask

    ref = np.concatenate([np.fromfile(p, TICK) for p in files])
    layout = binmap.layout_from_dtype(TICK)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster):
            df = binmap.dask.read(
                [str(p) for p in files], layout, path="records", blocksize=256 << 10
            )
            assert df.npartitions >= 6
            sums = df.groupby("name")["value"].sum().compute()
            for name in NAMES:
                want = ref["value"][ref["name"] == name].astype(np.float64).sum()
                assert sums[name.decode()] == pytest.approx(float(want), rel=1e-4, abs=1e-3)
            hits = df[(df["value"] > 1.5) & (df["name"] == "GOOG_profit")].compute()
            want = ref[(ref["value"] > np.float32(1.5)) & (ref["name"] == b"GOOG_profit")]
            assert sorted(hits["time"].tolist()) == sorted(want["time"].tolist())
            assert len(df) == len(ref)
            arr = binmap.dask.array(
                [str(p) for p in files], layout, path="records.value", blocksize=64 << 10
            )
            assert arr.shape == (len(ref),)
            assert float(arr.sum().compute()) == pytest.approx(
                float(ref["value"].astype(np.float64).sum()), rel=1e-4
            )
            assert (arr > 1).sum().compute() == int((ref["value"] > 1).sum())


def test_fast_arrow_path_is_the_library_table() -> None:
    """to_arrow (record arrays built with one copy per text value) gives the
    schema and values of the library's export table (to_arrow_reader)."""
    from conftest import CASES

    checked = 0
    for bml in sorted(CASES.glob("*.bml")):
        try:
            f = binmap.open(bml.with_suffix(".bin"), bml)
            eager = f.to_arrow()
        except binmap.Error:
            continue
        lazy = f.to_arrow_reader().read_all()
        assert eager.schema == lazy.schema, bml.name
        # (through JSON text, where NaN equals NaN)
        assert json.dumps(eager.to_pylist(), default=repr) == json.dumps(
            lazy.to_pylist(), default=repr
        )
        checked += 1
    assert checked > 50
    p = EXAMPLES / "db.dat"
    f = binmap.open(p, EXAMPLES / "db.bml")
    for rows in (None, "2..5", "-1..", "3..3"):
        assert f.to_arrow(rows=rows).equals(f.to_arrow_reader(rows=rows).read_all())
