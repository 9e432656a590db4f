"""The 22 TPC-H queries at SF 0.1 (smaller scales missed a wrong plan) embedded, through `redwood serve` and on a leader with two
`redwood compute` processes of one slice, answers checked against DuckDB's
(bench/tpch.py --check; the timed runs are bench/tpch's, never CI's)."""

import os
import shutil
import subprocess
import sys

import pytest
from redwood_server import redwood_binary

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
pytestmark = pytest.mark.skipif(shutil.which("tpchgen-cli") is None, reason="tpchgen-cli is not installed")


def test_tpch_answers_match_duckdb():
    pytest.importorskip("duckdb")
    result = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "tpch.py"), "--check", "--sf", "0.1"],
                            env=dict(os.environ, REDWOOD_BIN=redwood_binary()), capture_output=True, text=True,
                            timeout=1200)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "22 queries, 0 failures" in result.stdout
