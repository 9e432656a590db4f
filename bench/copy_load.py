"""COPY benchmark (see bench/copy): TPC-H lineitem (6M rows at SF 1) loaded from files in a local
directory, as CSV, gzip CSV and Parquet, by Redwood (`COPY … FROM 'file'` through `redwood serve`),
DuckDB (`COPY … FROM`) and PostgreSQL 15 (`COPY … FROM 'file'`; gzip through `FROM PROGRAM`; it
reads no Parquet). Each load goes into a fresh table; prints best and median seconds, rows/s and
the ratio to DuckDB."""

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import psycopg  # noqa: E402
from servers import start_postgres, start_redwood  # noqa: E402
from tpch import postgres_ddl, redwood_ddl  # noqa: E402

FORMATS = ["csv", "csv.gz", "parquet"]


def lineitem_ddl(statements):
    return next(s for s in statements if "CREATE TABLE lineitem" in s)


def generate(sf, data):
    """lineitem.csv (with a header line), lineitem.csv.gz and lineitem.parquet, made once."""
    os.makedirs(data, exist_ok=True)
    os.chmod(os.path.dirname(data), 0o755)
    csv, parquet = os.path.join(data, "lineitem.csv"), os.path.join(data, "lineitem.parquet")
    for fmt, path in [("csv", csv), ("parquet", parquet)]:
        if not os.path.exists(path):
            subprocess.run(["tpchgen-cli", fmt, "-s", str(sf), "--tables", "lineitem", "--output-dir", data],
                           check=True, stdout=subprocess.DEVNULL)
    if not os.path.exists(csv + ".gz"):
        with open(csv, "rb") as source, gzip.open(csv + ".gz", "wb", compresslevel=6) as target:
            shutil.copyfileobj(source, target, 8 << 20)
    # PostgreSQL's server process reads the files as its own user.
    os.chmod(data, 0o755)
    for name in os.listdir(data):
        os.chmod(os.path.join(data, name), 0o644)
    return {"csv": csv, "csv.gz": csv + ".gz", "parquet": parquet}


def timed(load, runs):
    times, rows = [], None
    for run in range(runs):
        start = time.perf_counter()
        rows = load(run)
        times.append(time.perf_counter() - start)
    return times, rows


def bench_redwood(files, formats, runs, workdir):
    server, dsn = start_redwood(os.path.join(workdir, "redwood"))
    options = {"csv": "CSV IGNOREHEADER 1", "csv.gz": "CSV IGNOREHEADER 1 GZIP", "parquet": "FORMAT AS PARQUET"}
    results = {}
    try:
        with psycopg.connect(dsn, autocommit=True) as con:
            for fmt in formats:
                def load(run):
                    con.execute("DROP TABLE IF EXISTS lineitem")
                    con.execute(lineitem_ddl(redwood_ddl()))
                    return con.execute(f"COPY lineitem FROM '{files[fmt]}' {options[fmt]}").rowcount
                results[fmt] = timed(load, runs)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return results


def bench_duckdb(files, formats, runs, workdir):
    import duckdb

    con = duckdb.connect(os.path.join(workdir, "duck.db"))
    options = {"csv": "(FORMAT csv, HEADER true)", "csv.gz": "(FORMAT csv, HEADER true, COMPRESSION gzip)",
               "parquet": "(FORMAT parquet)"}
    results = {}
    for fmt in formats:
        def load(run):
            con.execute("DROP TABLE IF EXISTS lineitem")
            con.execute(lineitem_ddl(postgres_ddl()))
            con.execute(f"COPY lineitem FROM '{files[fmt]}' {options[fmt]}")
            return con.execute("SELECT count(*) FROM lineitem").fetchone()[0]
        results[fmt] = timed(load, runs)
    con.close()
    return results


def bench_postgres(files, formats, runs, workdir):
    server, dsn = start_postgres(workdir)
    sources = {"csv": f"'{files['csv']}'", "csv.gz": f"PROGRAM 'gzip -dc {files['csv.gz']}'"}
    results = {}
    try:
        with psycopg.connect(dsn, autocommit=True) as con:
            for fmt in formats:
                if fmt not in sources:
                    continue
                def load(run):
                    con.execute("DROP TABLE IF EXISTS lineitem")
                    con.execute(lineitem_ddl(postgres_ddl()))
                    return con.execute(f"COPY lineitem FROM {sources[fmt]} WITH (FORMAT csv, HEADER true)").rowcount
                results[fmt] = timed(load, runs)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sf", type=float, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--engines", default="redwood,duckdb,postgresql")
    args = parser.parse_args()
    formats = args.formats.split(",")
    # Outside $HOME: PostgreSQL's server reads the files as its own user.
    cache = os.path.join(os.environ.get("REDWOOD_BENCH_DATA", "/var/tmp/redwood-bench"), f"copy-sf{args.sf:g}")
    files = generate(args.sf, cache)
    benches = {"redwood": bench_redwood, "duckdb": bench_duckdb, "postgresql": bench_postgres}
    results = {}
    for engine in args.engines.split(","):
        with tempfile.TemporaryDirectory() as workdir:
            os.chmod(workdir, 0o777)
            results[engine] = benches[engine](files, formats, args.runs, workdir)
    print(f"COPY TPC-H lineitem, SF {args.sf:g}, {args.runs} runs (seconds; rows/s of the median; DuckDB ÷ engine)")
    print(f"{'format':10} {'engine':12} {'best':>8} {'median':>8} {'rows':>10} {'rows/s':>12} {'vs duckdb':>10}")
    for fmt in formats:
        duck = results.get("duckdb", {}).get(fmt)
        for engine, by_format in results.items():
            if fmt not in by_format:
                print(f"{fmt:10} {engine:12} {'n/a':>8}")
                continue
            times, rows = by_format[fmt]
            median = statistics.median(times)
            ratio = f"{statistics.median(duck[0]) / median:.2f}x" if duck else "-"
            print(f"{fmt:10} {engine:12} {min(times):8.2f} {median:8.2f} {rows:>10} {rows / median:12,.0f} {ratio:>10}")


if __name__ == "__main__":
    main()
