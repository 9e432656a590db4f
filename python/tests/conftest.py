"""Every test runs twice: on an embedded database and on a `redwood serve` started for the session
(the server helper is shared with tests/clients)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "clients"))
from redwood_server import Server  # noqa: E402

import redwood  # noqa: E402

# The installed wheel, not the sources beside these tests (which lack the compiled module).
assert os.path.join("python", "redwood") not in redwood.__file__, redwood.__file__


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture(params=["embedded", "remote"])
def target(request, tmp_path):
    """A database target: a fresh directory, or the server (its tables are named per test)."""
    if request.param == "embedded":
        return str(tmp_path / "db")
    s = request.getfixturevalue("server")
    return f"redwood://{s.user}:{s.password}@{s.host}:{s.port}/dev"


@pytest.fixture
def con(target):
    connection = redwood.connect(target)
    yield connection
    connection.close()


@pytest.fixture
def table(con, request):
    """A table name of this test's own (the server is shared), dropped afterwards."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name).lower()[:50]
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.commit()
    yield name
    if not con.closed:
        con.rollback()
        con.execute(f"DROP TABLE IF EXISTS {name}")
        con.commit()
