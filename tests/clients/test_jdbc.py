"""Java drivers against Redwood, through the JUnit tests of the Maven project in tests/clients/jdbc: pgJDBC and
Amazon's Redshift JDBC driver against `redwood serve` (PgJdbcTest, RedshiftJdbcTest), and Redwood's own driver
(io.redwood:redwood-jdbc, installed into ~/.m2 by tests/run) both remote and embedded."""

import os
import shutil
import subprocess

import pytest

JDBC_PROJECT = os.path.join(os.path.dirname(__file__), "jdbc")
MVN = shutil.which("mvn")

pytestmark = pytest.mark.skipif(MVN is None, reason="mvn (Maven) is not installed")

# What Maven says when -o (offline) lacks an artifact in ~/.m2: then it is run again online, once.
OFFLINE_MISSES = ("in offline mode", "has not been downloaded from it before", "offline mode and the artifact")


def run_maven(server, offline):
    command = [MVN, "-q", "-B", "-Dstyle.color=never", *(["-o"] if offline else []), "test",
               f"-Dredwood.host={server.host}", f"-Dredwood.port={server.port}",
               f"-Dredwood.user={server.user}", f"-Dredwood.password={server.password}"]
    env = dict(os.environ, REDWOOD_HOST=server.host, REDWOOD_PORT=str(server.port), REDWOOD_USER=server.user,
               REDWOOD_PASSWORD=server.password)
    return subprocess.run(command, cwd=JDBC_PROJECT, env=env, capture_output=True, text=True, timeout=900)


def test_jdbc_drivers(server):
    # Offline first so that a warm ~/.m2 is all it needs; the first run downloads the drivers, JUnit and plugins.
    result = run_maven(server, offline=True)
    output = result.stdout + result.stderr
    if result.returncode != 0 and any(miss in output for miss in OFFLINE_MISSES):
        result = run_maven(server, offline=False)
        output = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"mvn test failed (exit {result.returncode}):\n{output}", pytrace=False)
