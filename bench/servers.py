"""Servers the benchmarks start: `redwood serve` and a throw-away PostgreSQL 15 cluster."""

import os
import pwd
import re
import shutil
import socket
import subprocess
import time

import psycopg

PASSWORD = "Bench-password-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin(name):
    for directory in ["/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin"]:
        if os.path.exists(os.path.join(directory, name)):
            return os.path.join(directory, name)
    raise SystemExit(f"{name} not found: install postgresql-15")


def start_postgres(workdir, settings=()):
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
    options = ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
    for setting in settings:
        options += ["-c", setting]
    process = subprocess.Popen(as_user + [pg_bin("postgres"), "-D", data, "-p", str(port), "-k", workdir, *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dsn = f"host=127.0.0.1 port={port} user=postgres dbname=postgres sslmode=disable"
    wait_for(dsn)
    return process, dsn


CLUSTER_SECRET = "redwood-bench-cluster"


def start_compute(data_dir, slices):
    """`redwood compute` on a free loopback port; returns the process and its address."""
    command = [os.environ["REDWOOD_BIN"], "compute", "--listen", "127.0.0.1:0", "--data", data_dir,
               "--slices", str(slices), "--cluster-secret", CLUSTER_SECRET]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    address = re.search(r"listening on (\S+)", process.stdout.readline()).group(1)
    return process, address


def cluster_args(addresses):
    """The leader's flags for compute nodes at `addresses`."""
    return ["--compute", ",".join(addresses), "--cluster-secret", CLUSTER_SECRET] if addresses else []


def start_redwood(data_dir, compute=()):
    """`redwood serve` (REDWOOD_BIN) on a free port over `data_dir`, with compute nodes at
    `compute` (addresses) or in-process ones."""
    command = [os.environ["REDWOOD_BIN"], "serve", "--data", data_dir, "--port", "0", "--admin-password", PASSWORD]
    process = subprocess.Popen(command + cluster_args(compute), stdout=subprocess.PIPE, text=True)
    line = ""
    while "listening on" not in line:
        line = process.stdout.readline()
        if not line:
            raise SystemExit("redwood serve did not start")
    port = re.search(r":(\d+)$", line.strip()).group(1)
    dsn = f"host=127.0.0.1 port={port} user=admin password={PASSWORD} dbname=dev sslmode=disable"
    wait_for(dsn)
    return process, dsn


def wait_for(dsn):
    for _ in range(300):
        try:
            psycopg.connect(dsn).close()
            return
        except psycopg.OperationalError:
            time.sleep(0.1)
    raise SystemExit(f"server at {dsn} did not start")


def peak_rss_mib(pid):
    """A live process's peak resident memory (VmHWM), in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")
