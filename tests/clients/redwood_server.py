"""A `redwood serve` of its own on a free loopback port, for the client tests (tests/clients and
python/tests)."""

import contextlib
import os
import re
import subprocess
import tempfile

import pytest

ADMIN_USER = "admin"
ADMIN_PASSWORD = "Redwood-test-1"


def redwood_binary():
    path = os.environ.get("REDWOOD_BIN")
    if not path:
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "target"))
        path = os.path.join(target, "debug", "redwood")
    if not os.path.exists(path):
        pytest.exit(f"redwood binary not found at {path}: run `cargo build` first or set REDWOOD_BIN", 2)
    return path


@contextlib.contextmanager
def compute_nodes(directory, secret, *args, count=2):
    """`count` `redwood compute` nodes of one slice on free loopback ports (data in
    `directory`/node<i>), stopped on exit: their addresses."""
    processes, addresses = [], []
    try:
        for i in range(count):
            process = subprocess.Popen([redwood_binary(), "compute", "--listen", "127.0.0.1:0", "--data",
                                        os.path.join(directory, f"node{i}"), "--slices", "1", "--cluster-secret", secret,
                                        *args], stdout=subprocess.PIPE, text=True)
            processes.append(process)
            line = process.stdout.readline()
            assert line.startswith("redwood compute: listening on "), line
            addresses.append(line.split()[4])
        yield addresses
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


class Server:
    """A running `redwood serve`; stopped when the test session ends."""

    def __init__(self, *args, data=None):
        self.dir = tempfile.TemporaryDirectory()
        self.data = data or os.path.join(self.dir.name, "db")
        command = [redwood_binary(), "serve", "--data", self.data, "--port", "0",
                   "--admin-user", ADMIN_USER, "--admin-password", ADMIN_PASSWORD, *args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        # Lines before it describe the cluster (`--compute`) and the Redshift API (`--access-keys`).
        match = None
        self.api_url = None
        while match is None:
            line = self.process.stdout.readline()
            match = re.search(r"listening on ([\d.]+):(\d+)", line)
            api = re.search(r"Redshift API on (https://\S+)", line)
            if api:
                self.api_url = api.group(1)
            if not line:
                break
        if not match:
            self.process.kill()
            raise RuntimeError(f"redwood serve did not start: {line!r}")
        self.host, self.port = match.group(1), int(match.group(2))
        self.user, self.password, self.dbname = ADMIN_USER, ADMIN_PASSWORD, "dev"

    def dsn(self, **overrides):
        params = {"host": self.host, "port": self.port, "user": self.user, "password": self.password,
                  "dbname": self.dbname, "sslmode": "disable"}
        params.update(overrides)
        return " ".join(f"{k}={v}" for k, v in params.items())

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.dir.cleanup()
