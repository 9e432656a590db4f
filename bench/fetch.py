"""Fetch benchmark (see bench/fetch): the same 5-column table in Redwood and PostgreSQL 15, read
whole through psycopg in text and binary format; best and median of N runs."""

import argparse
import datetime
import os
import platform
import shutil
import statistics
import tempfile
import time
from decimal import Decimal

import psycopg

from servers import start_postgres, start_redwood

TABLE = "CREATE TABLE fetch_t (id BIGINT, name VARCHAR(32), amount DECIMAL(12,2), day DATE, flag BOOLEAN)"


def rows(n):
    start = datetime.date(2020, 1, 1)
    for i in range(n):
        yield (i, f"customer#{i:09d}", Decimal(i % 100000) / 100, start + datetime.timedelta(days=i % 1000), i % 3 == 0)


def load(dsn, n):
    with psycopg.connect(dsn) as con:
        con.execute("DROP TABLE IF EXISTS fetch_t")
        con.execute(TABLE)
        with con.cursor() as cur, cur.copy("COPY fetch_t FROM STDIN") as copy:
            for row in rows(n):
                copy.write_row(row)
        con.commit()
        assert con.execute("SELECT count(*) FROM fetch_t").fetchone()[0] == n


def fetch(dsn, binary):
    with psycopg.connect(dsn) as con, con.cursor(binary=binary) as cur:
        start = time.perf_counter()
        cur.execute("SELECT id, name, amount, day, flag FROM fetch_t")
        fetched = cur.fetchall()
        elapsed = time.perf_counter() - start
    return elapsed, len(fetched)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="redwood-fetch-")
    servers = []
    try:
        pg, pg_dsn = start_postgres(workdir)
        servers.append(pg)
        rw, rw_dsn = start_redwood(os.path.join(workdir, "redwood"))
        servers.append(rw)
        results = {}
        for engine, dsn in [("redwood", rw_dsn), ("postgresql", pg_dsn)]:
            start = time.perf_counter()
            load(dsn, args.rows)
            print(f"{engine}: loaded {args.rows} rows by COPY in {time.perf_counter() - start:.1f} s", flush=True)
            for binary in [False, True]:
                fetch(dsn, binary)  # warm-up
                times = []
                for _ in range(args.runs):
                    elapsed, count = fetch(dsn, binary)
                    assert count == args.rows, f"{engine} returned {count} rows"
                    times.append(elapsed)
                results[(engine, binary)] = (min(times), statistics.median(times))
        print(f"\nFetch {args.rows} rows x 5 columns through psycopg {psycopg.__version__} "
              f"({os.cpu_count()} cores, {platform.machine()}), best / median of {args.runs} runs:\n")
        print("| format | Redwood (s) | PostgreSQL 15 (s) | Redwood / PostgreSQL |")
        print("|---|---|---|---|")
        for binary in [False, True]:
            (rw_best, rw_median), (pg_best, pg_median) = results[("redwood", binary)], results[("postgresql", binary)]
            print(f"| {'binary' if binary else 'text'} | {rw_best:.3f} / {rw_median:.3f} | {pg_best:.3f} / {pg_median:.3f} "
                  f"| {rw_best / pg_best:.2f}x |")
    finally:
        for process in servers:
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
