"""JDBC fetch benchmark (see bench/jdbc-fetch): TPC-H lineitem (6M rows at SF 1, 16 columns) read whole through
JDBC by bench/JdbcFetch.java: Redwood's driver embedded (jdbc:redwood:DIR) and against `redwood serve`
(jdbc:redwood://), and pgJDBC against `redwood serve` too, on the same database directory. Each engine runs in a
JVM of its own (with its driver's jar alone on the class path) and, if remote, against a `redwood serve` of its own;
prints best and median of N runs and the ratios to pgJDBC.

Needs REDWOOD_BIN, JDBC_FETCH_CLASSES (JdbcFetch.class), REDWOOD_JDBC_JAR (the Redwood engines only) and PGJDBC_JAR
(pgjdbc-remote only), as bench/jdbc-fetch sets them."""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

QUERY = "SELECT * FROM lineitem"
FETCH_SIZE = 10000
ENGINES = ["redwood-embedded", "redwood-remote", "pgjdbc-remote"]
BASELINE = "pgjdbc-remote"


def jar(variable):
    path = os.environ.get(variable, "")
    if not os.path.isfile(path):
        raise SystemExit(f"{variable} ({path or 'not set'}) is not a jar: run bench/jdbc-fetch")
    return os.path.abspath(path)


def run_java(jar_path, url, user, password, runs):
    """JdbcFetch in a JVM of its own; returns its JSON line."""
    classpath = os.pathsep.join([os.path.abspath(os.environ["JDBC_FETCH_CLASSES"]), jar_path])
    output = subprocess.run(["java", "-cp", classpath, "JdbcFetch", url, user, password, str(runs)],
                            check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def with_server(redwood_data, measure):
    """`redwood serve` over the database directory for one engine; `measure(port)` runs against it."""
    from servers import start_redwood

    server, dsn = start_redwood(redwood_data)
    try:
        return measure(dsn.split("port=")[1].split()[0])
    finally:
        server.terminate()
        server.wait(timeout=60)


def engine_redwood_embedded(redwood_data, runs):
    return run_java(jar("REDWOOD_JDBC_JAR"), f"jdbc:redwood:{os.path.abspath(redwood_data)}", "", "", runs)


def engine_redwood_remote(redwood_data, runs):
    from servers import PASSWORD

    path = jar("REDWOOD_JDBC_JAR")
    return with_server(redwood_data, lambda port: run_java(
        path, f"jdbc:redwood://127.0.0.1:{port}/dev?sslmode=disable", "admin", PASSWORD, runs))


def engine_pgjdbc_remote(redwood_data, runs):
    from servers import PASSWORD

    path = jar("PGJDBC_JAR")
    return with_server(redwood_data, lambda port: run_java(
        path, f"jdbc:postgresql://127.0.0.1:{port}/dev?sslmode=disable&defaultRowFetchSize={FETCH_SIZE}",
        "admin", PASSWORD, runs))


RUNNERS = {
    "redwood-embedded": engine_redwood_embedded,
    "redwood-remote": engine_redwood_remote,
    "pgjdbc-remote": engine_pgjdbc_remote,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sf", type=float, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of {','.join(ENGINES)}")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    unknown = [e for e in engines if e not in RUNNERS]
    if unknown or not engines:
        parser.error(f"--engines: unknown {','.join(unknown) or '(none given)'}; choose from {','.join(ENGINES)}")
    workdir = tempfile.mkdtemp(prefix="redwood-jdbcfetch-")
    try:
        from tpch import load_redwood

        seconds = load_redwood(args.sf, workdir)
        print(f"loaded Redwood (TPC-H SF {args.sf:g}) in {seconds:.1f} s", file=sys.stderr, flush=True)
        results = {}
        for engine in engines:
            results[engine] = RUNNERS[engine](os.path.join(workdir, "redwood"), args.runs)
            print(f"{engine}: done", file=sys.stderr, flush=True)
        report(results, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(results, args):
    baseline = results.get(BASELINE)
    base = statistics.median(baseline["times"]) if baseline else None
    print(f"Fetch `{QUERY}` through JDBC (typed getters, fetch size {FETCH_SIZE}): TPC-H SF {args.sf:g}, "
          f"{args.runs} runs (seconds; rows/s at the median)\n")
    print("| engine | driver | rows | best | median | rows/s | pgJDBC ÷ this |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for engine, result in results.items():
        times, rows = result["times"], result["rows"]
        median = statistics.median(times)
        ratio = f"{base / median:.1f}×" if base else "–"
        print(f"| {engine} | {result['driver']} | {rows} | {min(times):.2f} | {median:.2f} | "
              f"{rows / median:,.0f} | {ratio} |")
    java = sorted({r["java"] for r in results.values()})
    print(f"\nJava {', '.join(java)}; pgJDBC and `jdbc:redwood://` against `redwood serve` on 127.0.0.1 (sslmode=disable).")
    checksums = {(r["rows"], r["checksum"], r["nulls"]) for r in results.values()}
    if len(checksums) > 1:
        print("\nThe engines read different values (rows, checksum, nulls): "
              + ", ".join(f"{e} {(r['rows'], r['checksum'], r['nulls'])}" for e, r in results.items()))


if __name__ == "__main__":
    main()
