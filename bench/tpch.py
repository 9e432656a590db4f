"""TPC-H side by side (see bench/tpch): Redwood embedded and through `redwood serve`, DuckDB,
DataFusion and PostgreSQL 15 on the same generated data, each query's answer checked against
DuckDB's. Each engine runs in a process of its own, so its peak memory is its own.

    python3 bench/tpch.py --sf 1 [--runs 3] [--engines redwood,redwood-wire,redwood-cluster,duckdb,datafusion,postgresql]
    python3 bench/tpch.py --check --sf 0.01      # answers only (CI): Redwood vs DuckDB, no timings
"""

import argparse
import datetime
import decimal
import json
import math
import os
import platform
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = os.path.join(HERE, "tpch_queries")
TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]
ENGINES = ["redwood", "redwood-encrypted", "redwood-wire", "redwood-cluster", "duckdb", "datafusion", "postgresql"]
TITLES = {
    "redwood": "Redwood (embedded)",
    "redwood-encrypted": "Redwood (embedded, encrypted at rest)",
    "redwood-wire": "Redwood (serve, psycopg)",
    "redwood-cluster": "Redwood (serve + 2 compute processes of 1 slice, psycopg)",
    "duckdb": "DuckDB",
    "datafusion": "DataFusion (Parquet)",
    "postgresql": "PostgreSQL 15",
}
# PostgreSQL without the indexes TPC-H kits add runs Q17 and Q20 as nested loops for hours.
POSTGRES_INDEXES = [
    "ALTER TABLE region ADD PRIMARY KEY (r_regionkey)",
    "ALTER TABLE nation ADD PRIMARY KEY (n_nationkey)",
    "ALTER TABLE supplier ADD PRIMARY KEY (s_suppkey)",
    "ALTER TABLE customer ADD PRIMARY KEY (c_custkey)",
    "ALTER TABLE part ADD PRIMARY KEY (p_partkey)",
    "ALTER TABLE partsupp ADD PRIMARY KEY (ps_partkey, ps_suppkey)",
    "ALTER TABLE orders ADD PRIMARY KEY (o_orderkey)",
    "ALTER TABLE lineitem ADD PRIMARY KEY (l_orderkey, l_linenumber)",
    "CREATE INDEX ON lineitem (l_partkey, l_suppkey)",
    "CREATE INDEX ON orders (o_custkey)",
]
QUERY_TIMEOUT_S = 600


def query_names(selected):
    names = sorted(f[:-4] for f in os.listdir(QUERIES) if f.endswith(".sql"))
    return [n for n in names if not selected or n in selected]


def query_text(name):
    with open(os.path.join(QUERIES, f"{name}.sql")) as f:
        return f.read().strip().rstrip(";")


# ------------------------------------------------------------------ data


def generate(sf, workdir):
    """Parquet (DuckDB, DataFusion) and CSV (PostgreSQL) from tpchgen-cli; Redwood generates the
    same rows in-process (`redwood demo`, the same tpchgen generator)."""
    for fmt in ["parquet", "csv"]:
        out = os.path.join(workdir, fmt)
        subprocess.run(["tpchgen-cli", fmt, "-s", str(sf), "--output-dir", out], check=True,
                       stdout=subprocess.DEVNULL)


def redwood_ddl():
    """Redwood's TPC-H tables (Redshift's DISTKEY/SORTKEY choices) from the demo's DDL, also used for
    PostgreSQL without the Redshift attributes."""
    source = open(os.path.join(HERE, "..", "cli", "src", "demo.rs")).read()
    ddl = re.search(r'pub const TPCH_DDL: &str = "(.*?)";', source, re.S).group(1)
    return [s.strip() for s in ddl.split(";") if s.strip()]


def postgres_ddl():
    plain = []
    for statement in redwood_ddl():
        statement = re.sub(r"\s*(DISTSTYLE \w+|DISTKEY\(\w+\)|SORTKEY\([\w, ]+\))", "", statement)
        plain.append(statement)
    return plain


# ------------------------------------------------------------------ answers


def normalise(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value).rstrip()


def same_value(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=0.005)
    return a == b


def same_rows(a, b):
    return len(a) == len(b) and all(len(x) == len(y) and all(map(same_value, x, y)) for x, y in zip(a, b))


def compare(expected, actual):
    """None if the answers agree (rows in order, or the same rows when only ties are ordered
    differently), else what differs."""
    if same_rows(expected, actual):
        return None
    key = lambda row: [(v is None, str(v)) for v in row]
    if same_rows(sorted(expected, key=key), sorted(actual, key=key)):
        return None
    if len(expected) != len(actual):
        return f"{len(actual)} rows, expected {len(expected)}"
    for i, (x, y) in enumerate(zip(expected, actual)):
        if not (len(x) == len(y) and all(map(same_value, x, y))):
            return f"row {i + 1} is {y}, expected {x}"
    return "rows differ"


# ------------------------------------------------------------------ engines (each in a worker process)


def timed(run, runs, warmup):
    if warmup:
        run()
    times, rows = [], None
    for _ in range(max(runs, 1)):
        start = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - start)
    return times, rows


def worker_duckdb(args, queries):
    import duckdb
    con = duckdb.connect()
    start = time.perf_counter()
    for table in TABLES:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet('{args.data}/parquet/{table}.parquet')")
    load = time.perf_counter() - start
    results = {}
    for name in queries:
        sql = query_text(name)
        times, rows = timed(lambda: con.execute(sql).fetchall(), args.runs, args.warmup)
        results[name] = {"times": times, "rows": rows}
    return {"load": load, "version": duckdb.__version__, "queries": results}


def worker_datafusion(args, queries):
    import datafusion
    ctx = datafusion.SessionContext()
    start = time.perf_counter()
    for table in TABLES:
        ctx.register_parquet(table, f"{args.data}/parquet/{table}.parquet")
    load = time.perf_counter() - start
    results = {}
    for name in queries:
        sql = query_text(name)

        def run():
            table = ctx.sql(sql).to_arrow_table()
            return [tuple(row.values()) for row in table.to_pylist()]

        times, rows = timed(run, args.runs, args.warmup)
        results[name] = {"times": times, "rows": rows}
    return {"load": load, "version": datafusion.__version__, "queries": results}


# Rows a Redwood query moved, from SVL_QUERY_SUMMARY: between slices and nodes (dist, bcast)
# and from the nodes to the leader (return).
MOVED_SQL = """SELECT coalesce(sum(rows) FILTER (WHERE label IN ('dist', 'bcast')), 0),
                      coalesce(sum(rows) FILTER (WHERE label = 'return'), 0),
                      coalesce(sum(bytes), 0)
               FROM svl_query_summary WHERE query = pg_last_query_id()"""


def run_psycopg(dsn, queries, args, setup=(), moved=False):
    import psycopg
    results = {}
    with psycopg.connect(dsn, autocommit=True) as con:
        for statement in setup:
            con.execute(statement)
        backend = con.info.backend_pid
        for name in queries:
            sql = query_text(name)
            try:
                times, rows = timed(lambda: con.execute(sql).fetchall(), args.runs, args.warmup)
                results[name] = {"times": times, "rows": rows}
                if moved:
                    results[name]["moved"] = con.execute(MOVED_SQL).fetchone()
            except psycopg.Error as e:
                results[name] = {"error": f"{e.sqlstate}: {str(e).splitlines()[0]}"}
    return results, backend


def worker_postgresql(args, queries):
    import psycopg
    from servers import peak_rss_mib, start_postgres
    workdir = tempfile.mkdtemp(prefix="redwood-tpch-pg-")
    server, dsn = start_postgres(workdir, settings=["shared_buffers=1GB", "work_mem=256MB", "max_parallel_workers_per_gather=2"])
    try:
        start = time.perf_counter()
        with psycopg.connect(dsn, autocommit=True) as con:
            for statement in postgres_ddl():
                con.execute(statement)
            for table in TABLES:
                with open(f"{args.data}/csv/{table}.csv", "rb") as data, con.cursor() as cur:
                    with cur.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                        while chunk := data.read(1 << 20):
                            copy.write(chunk)
            for statement in POSTGRES_INDEXES:
                con.execute(statement)
            con.execute("VACUUM ANALYZE")
            version = con.execute("SHOW server_version").fetchone()[0]
        load = time.perf_counter() - start
        results, backend = run_psycopg(dsn, queries, args, setup=[f"SET statement_timeout = '{QUERY_TIMEOUT_S}s'"])
        rss = peak_rss_mib(backend) if os.path.exists(f"/proc/{backend}") else float("nan")
        return {"load": load, "version": version, "queries": results, "rss": rss}
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


def redwood_version():
    return subprocess.run([os.environ["REDWOOD_BIN"], "--version"], capture_output=True, text=True).stdout.strip()


def worker_redwood_wire(args, queries):
    from servers import peak_rss_mib, start_redwood
    server, dsn = start_redwood(args.redwood_data)
    try:
        results, _ = run_psycopg(dsn, queries, args)
        return {"load": None, "version": redwood_version(), "queries": results, "rss": peak_rss_mib(server.pid)}
    finally:
        server.terminate()
        server.wait(timeout=60)


def worker_redwood_cluster(args, queries):
    """A leader with two `redwood compute` processes of one slice each (the embedded engine has
    one node of two slices on two cores): loaded by `redwood demo` through the leader."""
    from servers import peak_rss_mib, start_compute, start_redwood
    nodes = [start_compute(os.path.join(args.data, f"redwood-node{i}"), 1) for i in range(2)]
    addresses = [address for _, address in nodes]
    server = None
    try:
        load = load_redwood(args.sf, args.data, "redwood-cluster", addresses)
        server, dsn = start_redwood(os.path.join(args.data, "redwood-cluster"), addresses)
        results, _ = run_psycopg(dsn, queries, args, moved=True)
        rss = sum(peak_rss_mib(p.pid) for p in [server] + [p for p, _ in nodes])
        return {"load": load, "version": redwood_version(), "queries": results, "rss": rss}
    finally:
        for process in ([server] if server else []) + [p for p, _ in nodes]:
            process.terminate()
            process.wait(timeout=60)


def worker_redwood(args, queries):
    """The embedded engine through the shell: each query's `\\timing` (planning, execution and
    collecting the result, as psql's, not printing it). Its row counts are checked here, its
    values through the wire column (the same engine)."""
    script = ["\\timing"]
    repeats = max(args.runs, 1) + (1 if args.warmup else 0)
    for name in queries:
        script += [query_text(name) + ";"] * repeats
    path = os.path.join(args.redwood_data, "..", "tpch-embedded.sql")
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    process = subprocess.Popen([os.environ["REDWOOD_BIN"], args.redwood_data, "-f", path],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    times = [float(t) / 1000 for t in re.findall(r"^Time: ([\d.]+) ms", output, re.M)]
    counts = [int(n) for n in re.findall(r"^\((\d+) rows?\)$", output, re.M)]
    results = {}
    for i, name in enumerate(queries):
        mine = times[i * repeats:(i + 1) * repeats]
        if len(mine) < repeats:
            error = re.search(r"^ERROR:.*$", output, re.M)
            results[name] = {"error": error.group(0) if error else "no timing"}
            break
        results[name] = {"times": mine[1:] if args.warmup else mine, "rows": None, "row_count": counts[i * repeats]}
    return {"load": None, "version": redwood_version(), "queries": results, "rss": usage.ru_maxrss / 1024}


def worker_redwood_encrypted(args, queries):
    """The embedded engine over a database encrypted at rest (`redwood demo --encrypt`, its root
    key in a file beside it)."""
    data = os.path.join(args.data, "redwood-encrypted")
    key = os.path.join(args.data, "redwood-encrypted.key")
    load = None
    if not os.path.exists(data):
        with open(key, "w") as f:
            f.write(secrets.token_hex(32))
        os.chmod(key, 0o600)
        load = load_redwood(args.sf, args.data, "redwood-encrypted", extra=["--encrypt", "--root-key-file", key])
    os.environ["REDWOOD_ROOT_KEY_FILE"] = key
    result = worker_redwood(argparse.Namespace(**{**vars(args), "redwood_data": data}), queries)
    result["load"] = load
    return result


WORKERS = {
    "redwood": worker_redwood,
    "redwood-encrypted": worker_redwood_encrypted,
    "redwood-wire": worker_redwood_wire,
    "redwood-cluster": worker_redwood_cluster,
    "duckdb": worker_duckdb,
    "datafusion": worker_datafusion,
    "postgresql": worker_postgresql,
}


def run_worker(engine, args, queries, workdir):
    """Runs one engine in its own process; returns its results (with peak RSS if the worker did
    not measure a server's)."""
    out = os.path.join(workdir, f"{engine}.json")
    command = [sys.executable, os.path.abspath(__file__), "--worker", engine, "--data", workdir, "--sf", str(args.sf),
               "--redwood-data", os.path.join(workdir, "redwood"), "--runs", str(args.runs), "--out", out,
               "--queries", ",".join(queries)] + (["--warmup"] if args.warmup else [])
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{engine} failed (status {status})")
    with open(out) as f:
        result = json.load(f)
    result.setdefault("rss", usage.ru_maxrss / 1024)
    return result


def worker_main(args):
    queries = args.queries.split(",")
    result = WORKERS[args.worker](args, queries)
    for entry in result["queries"].values():
        if entry.get("rows") is not None:
            entry["rows"] = [[normalise(v) for v in row] for row in entry["rows"]]
    with open(args.out, "w") as f:
        json.dump(result, f)


# ------------------------------------------------------------------ report


def load_redwood(sf, workdir, name="redwood", compute=(), extra=()):
    """`redwood demo`: tpchgen in-process, Redshift's keys, VACUUM and ANALYZE (on the compute
    nodes at `compute`, if given)."""
    from servers import cluster_args
    command = [os.environ["REDWOOD_BIN"], "demo", os.path.join(workdir, name), "--scale", str(sf)] + cluster_args(compute) + list(extra)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    loaded = float(re.search(r"Loaded TPC-H scale \S+ in ([\d.]+) s", output).group(1))
    vacuum = float(re.search(r"VACUUM and ANALYZE in ([\d.]+) s", output).group(1))
    return loaded + vacuum


def geomean(values):
    return math.exp(sum(math.log(max(v, 1e-6)) for v in values) / len(values)) if values else float("nan")


def machine():
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} {platform.release()}"


def report(args, queries, results, checks, loads):
    engines = list(results)
    lines = [f"# TPC-H SF {args.sf}, {datetime.date.today().isoformat()}", "",
             f"Machine: {machine()}.", "Versions: " + ", ".join(f"{TITLES[e]} {results[e]['version']}" for e in engines) + ".",
             f"Seconds, best / median of {args.runs} runs after a warm-up; answers checked against DuckDB's.", "",
             "| query | " + " | ".join(TITLES[e] for e in engines) + " |", "|---" * (len(engines) + 1) + "|"]
    medians = {e: {} for e in engines}
    for name in queries:
        cells = []
        for e in engines:
            entry = results[e]["queries"].get(name, {"error": "not run"})
            if "error" in entry:
                cells.append(f"error ({entry['error'][:60]})")
                continue
            best, median = min(entry["times"]), statistics.median(entry["times"])
            medians[e][name] = median
            wrong = checks.get((e, name))
            cells.append(f"{best:.3f} / {median:.3f}" + (f" **wrong: {wrong}**" if wrong else ""))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    complete = [q for q in queries if all(q in medians[e] for e in engines)]
    means = {e: geomean([medians[e][q] for q in complete]) for e in engines}
    lines += ["", f"Geometric mean of medians over the {len(complete)} queries every engine answered:", ""]
    lines += [f"- {TITLES[e]}: {means[e]:.3f} s" for e in engines]
    ratios = []
    for a, b in [("redwood", "duckdb"), ("redwood", "datafusion"), ("postgresql", "redwood"), ("redwood-wire", "redwood"),
                 ("redwood-cluster", "redwood-wire")]:
        if a in means and b in means:
            ratios.append(f"- {TITLES[a]} / {TITLES[b]}: {means[a] / means[b]:.2f}x")
    lines += ["", "Ratios of geometric means:", ""] + ratios
    for e in engines:
        moved = {q: results[e]["queries"][q]["moved"] for q in queries if "moved" in results[e]["queries"].get(q, {})}
        if moved:
            lines += ["", f"Rows moved by {TITLES[e]} (SVL_QUERY_SUMMARY of the last run): between slices and nodes "
                      "(dist, bcast steps), returned to the leader, and bytes sent over the network:", "",
                      "| query | rows between slices/nodes | rows to the leader | bytes |", "|---|---|---|---|"]
            lines += [f"| {q} | {m[0]:,} | {m[1]:,} | {m[2]:,} |" for q, m in moved.items()]
    lines += ["", "| engine | load (s) | peak RSS (MiB) |", "|---|---|---|"]
    for e in engines:
        load = loads.get(e)
        lines.append(f"| {TITLES[e]} | {'' if load is None else f'{load:.1f}'} | {results[e]['rss']:.0f} |")
    lines += ["", "Redwood loads with `redwood demo` (tpchgen in-process, then VACUUM and ANALYZE); DuckDB from Parquet "
              "into its tables; DataFusion queries the Parquet files; PostgreSQL by COPY of CSV, then primary keys, "
              "two indexes and VACUUM ANALYZE. Peak RSS: Redwood serve's and PostgreSQL's backend's resident memory, "
              "the other engines' whole process."]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sf", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--queries", default="", help="comma-separated, e.g. q01,q06 (default: all 22)")
    parser.add_argument("--check", action="store_true", help="answers only: Redwood vs DuckDB, one run, no report")
    parser.add_argument("--warmup", action="store_true")
    parser.add_argument("--worker", choices=ENGINES)
    parser.add_argument("--data")
    parser.add_argument("--redwood-data")
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.worker:
        return worker_main(args)
    queries = query_names(set(filter(None, args.queries.split(","))))
    if args.check:
        args.runs, args.warmup, engines = 1, False, ["redwood", "redwood-wire", "redwood-cluster", "duckdb"]
    else:
        args.warmup = True
        engines = [e for e in args.engines.split(",") if e]
    workdir = tempfile.mkdtemp(prefix="redwood-tpch-")
    try:
        start = time.perf_counter()
        generate(args.sf, workdir)
        print(f"generated SF {args.sf} in {time.perf_counter() - start:.1f} s", flush=True)
        loads = {}
        if any(e in ("redwood", "redwood-wire") for e in engines):
            loads["redwood"] = loads["redwood-wire"] = load_redwood(args.sf, workdir)
            print(f"loaded Redwood in {loads['redwood']:.1f} s", flush=True)
        results = {}
        for engine in ["duckdb"] + [e for e in engines if e != "duckdb"]:
            results[engine] = run_worker(engine, args, queries, workdir)
            if results[engine].get("load") is not None:
                loads[engine] = results[engine]["load"]
            print(f"ran {engine}", flush=True)
        expected = results["duckdb"]["queries"]
        if "duckdb" not in engines:
            del results["duckdb"]
        checks, failures = {}, []
        for engine, result in results.items():
            if engine == "duckdb":
                continue
            for name in queries:
                entry = result["queries"].get(name, {"error": "not run"})
                if "error" in entry:
                    failures.append(f"{engine} {name}: {entry['error']}")
                elif entry["rows"] is None:
                    want = len(expected[name]["rows"])
                    if entry["row_count"] != want:
                        checks[(engine, name)] = f"{entry['row_count']} rows, expected {want}"
                        failures.append(f"{engine} {name}: wrong answer: {checks[(engine, name)]}")
                else:
                    problem = compare(expected[name]["rows"], entry["rows"])
                    if problem:
                        checks[(engine, name)] = problem
                        failures.append(f"{engine} {name}: wrong answer: {problem}")
        if args.check:
            for failure in failures:
                print(failure)
            print(f"TPC-H SF {args.sf}: {len(queries)} queries, {len(failures)} failures")
            return 1 if failures else 0
        text = report(args, queries, results, checks, loads)
        print("\n" + text)
        os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
        path = os.path.join(HERE, "results", f"tpch-sf{args.sf:g}-{stamp}.md")
        with open(path, "w") as f:
            f.write(text)
        print(f"saved {os.path.relpath(path)}")
        for failure in failures:
            print(failure)
        return 1 if any(e.startswith("redwood") for e in (f.split()[0] for f in failures)) else 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
