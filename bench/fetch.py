"""Fetch benchmark (see bench/fetch): the same 5-column table in Redwood and PostgreSQL 15, read
whole through psycopg in text and binary format; best and median of N runs."""

import argparse
import datetime
import os
import platform
import pwd
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from decimal import Decimal

import psycopg

PASSWORD = "Bench-password-1"
TABLE = "CREATE TABLE fetch_t (id BIGINT, name VARCHAR(32), amount DECIMAL(12,2), day DATE, flag BOOLEAN)"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name):
    for directory in ["/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin"]:
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise SystemExit(f"{name} not found: install postgresql-15")


def start_postgres(workdir):
    """initdb + postgres as an unprivileged user (PostgreSQL refuses to run as root)."""
    data = os.path.join(workdir, "pg")
    os.makedirs(data)
    as_user = []
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
        shutil.chown(workdir, "postgres")
        shutil.chown(data, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(as_user + [pg_bin("initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
                   check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    process = subprocess.Popen(as_user + [pg_bin("postgres"), "-D", data, "-p", str(port), "-k", workdir,
                                          "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dsn = f"host=127.0.0.1 port={port} user=postgres dbname=postgres sslmode=disable"
    wait_for(dsn)
    return process, dsn


def start_redwood(workdir):
    command = [os.environ["REDWOOD_BIN"], "serve", "--data", os.path.join(workdir, "redwood"), "--port", "0",
               "--admin-password", PASSWORD]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    port = re.search(r":(\d+)$", process.stdout.readline().strip()).group(1)
    dsn = f"host=127.0.0.1 port={port} user=admin password={PASSWORD} dbname=dev sslmode=disable"
    wait_for(dsn)
    return process, dsn


def wait_for(dsn):
    for _ in range(100):
        try:
            psycopg.connect(dsn).close()
            return
        except psycopg.OperationalError:
            time.sleep(0.1)
    raise SystemExit(f"server at {dsn} did not start")


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
        rw, rw_dsn = start_redwood(workdir)
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
