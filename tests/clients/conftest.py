"""Fixtures for the real-client tests: a `redwood serve` of its own on a free loopback port."""

import os

import pytest
from redwood_server import Server


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.stop()


def pytest_sessionfinish(session, exitstatus):
    """Under tests/run every client is installed: a skipped client test there is a failure."""
    if os.environ.get("REDWOOD_REQUIRE_ALL_CLIENTS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"{len(skipped)} client test(s) skipped: a client is missing (REDWOOD_REQUIRE_ALL_CLIENTS=1)", red=True)
        session.exitstatus = 1
