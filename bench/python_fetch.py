"""Python fetch benchmark (see bench/python-fetch): TPC-H lineitem (6M rows at SF 1, 16 columns)
read whole into Python, as Arrow and as tuples: Redwood's wheel embedded and against `redwood
serve`, psycopg from PostgreSQL 15, and DuckDB, on the same rows. Each engine runs in a process of
its own; prints best and median of N runs and the ratios to psycopg."""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

QUERY = "SELECT * FROM lineitem"


def timed(run, runs):
    times, count = [], None
    for _ in range(runs):
        start = time.perf_counter()
        count = run()
        times.append(time.perf_counter() - start)
    return times, count


def measure_redwood(target, runs):
    import redwood

    with redwood.connect(target) as con:
        arrow = timed(lambda: con.execute(QUERY).fetch_arrow_table().num_rows, runs)
        tuples = timed(lambda: len(con.execute(QUERY).fetchall()), runs)
    return {"arrow": arrow, "tuples": tuples}


def worker_redwood_embedded(args):
    return measure_redwood(args.redwood_data, args.runs)


def worker_redwood_remote(args):
    from servers import PASSWORD, start_redwood

    server, dsn = start_redwood(args.redwood_data)
    try:
        port = dsn.split("port=")[1].split()[0]
        return measure_redwood(f"redwood://admin:{PASSWORD}@127.0.0.1:{port}/dev?sslmode=disable", args.runs)
    finally:
        server.terminate()
        server.wait(timeout=60)


def worker_psycopg(args):
    import psycopg
    from servers import start_postgres
    from tpch import postgres_ddl

    workdir = tempfile.mkdtemp(prefix="redwood-pyfetch-pg-")
    server, dsn = start_postgres(workdir, settings=["shared_buffers=1GB"])
    try:
        with psycopg.connect(dsn, autocommit=True) as con:
            ddl = next(s for s in postgres_ddl() if "TABLE lineitem" in s)
            con.execute(ddl)
            with open(f"{args.data}/csv/lineitem.csv", "rb") as data, con.cursor() as cur:
                with cur.copy("COPY lineitem FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                    while chunk := data.read(1 << 20):
                        copy.write(chunk)
            con.execute("VACUUM ANALYZE lineitem")

        def fetch(binary):
            with psycopg.connect(dsn) as con, con.cursor(binary=binary) as cur:
                return len(cur.execute(QUERY).fetchall())

        return {"tuples": timed(lambda: fetch(False), args.runs), "tuples-binary": timed(lambda: fetch(True), args.runs)}
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


def worker_duckdb(args):
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE TABLE lineitem AS SELECT * FROM read_parquet('{args.data}/parquet/lineitem.parquet')")
    return {
        "arrow": timed(lambda: con.execute(QUERY).to_arrow_table().num_rows, args.runs),
        "tuples": timed(lambda: len(con.execute(QUERY).fetchall()), args.runs),
    }


WORKERS = {
    "redwood-embedded": worker_redwood_embedded,
    "redwood-remote": worker_redwood_remote,
    "psycopg-postgresql": worker_psycopg,
    "duckdb": worker_duckdb,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sf", type=float, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default=",".join(WORKERS))
    parser.add_argument("--worker")
    parser.add_argument("--data")
    parser.add_argument("--redwood-data")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.worker:
        with open(args.out, "w") as f:
            json.dump(WORKERS[args.worker](args), f)
        return
    workdir = tempfile.mkdtemp(prefix="redwood-pyfetch-")
    try:
        from tpch import generate, load_redwood

        engines = args.engines.split(",")
        if {"psycopg-postgresql", "duckdb"} & set(engines):
            generate(args.sf, workdir)
        if any(e.startswith("redwood") for e in engines):
            load_redwood(args.sf, workdir)
        results = {}
        for engine in engines:
            out = os.path.join(workdir, f"{engine}.json")
            subprocess.run([sys.executable, __file__, "--worker", engine, "--data", workdir, "--runs", str(args.runs),
                            "--redwood-data", os.path.join(workdir, "redwood"), "--out", out], check=True)
            with open(out) as f:
                results[engine] = json.load(f)
            print(f"{engine}: done", file=sys.stderr)
        report(results, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(results, args):
    baseline = results.get("psycopg-postgresql", {}).get("tuples")
    base = statistics.median(baseline[0]) if baseline else None
    print(f"Fetch `{QUERY}` into Python: TPC-H SF {args.sf:g}, {args.runs} runs (seconds)\n")
    print("| engine | result | rows | best | median | psycopg-from-PostgreSQL ÷ this |")
    print("|---|---|---:|---:|---:|---:|")
    for engine, kinds in results.items():
        for kind, (times, rows) in kinds.items():
            median = statistics.median(times)
            ratio = f"{base / median:.1f}×" if base else "–"
            print(f"| {engine} | {kind} | {rows} | {min(times):.2f} | {median:.2f} | {ratio} |")


if __name__ == "__main__":
    main()
