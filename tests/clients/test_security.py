"""The network allow-list (`--allow-client`) and the audit trail (`--audit-log` files and the
STL_CONNECTION_LOG / STL_USERLOG / SYS_QUERY_HISTORY tables) through psycopg."""

import os
import socket
import tempfile
import time

import psycopg
import pytest
from redwood_server import Server


def test_allow_list_refuses_other_networks():
    audit = tempfile.TemporaryDirectory()
    # The tests connect from 127.0.0.1: outside 10.0.0.0/8.
    server = Server("--allow-client", "10.0.0.0/8", "--allow-client", "192.168.0.0/16", "--audit-log", audit.name)
    try:
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(server.dsn(), connect_timeout=5)
        # Refused before the startup message is read: the server closes at once.
        with socket.create_connection((server.host, server.port), timeout=5) as raw:
            assert raw.recv(1) == b""
        with open(os.path.join(audit.name, "connectionlog")) as log:
            lines = log.read().splitlines()
        assert lines and all(line.startswith("rejected |") for line in lines)
        assert "127.0.0.1" in lines[0] and "client address not allowed" in lines[0]
    finally:
        server.stop()
        audit.cleanup()


def test_allow_list_admits_its_networks_and_the_audit_trail_records_them():
    audit = tempfile.TemporaryDirectory()
    server = Server("--allow-client", "127.0.0.0/8", "--audit-log", audit.name)
    try:
        with psycopg.connect(server.dsn(application_name="auditor"), autocommit=True) as con:
            con.execute("CREATE USER watched PASSWORD 'Watched-pw-1'")
            con.execute("CREATE TABLE audited (x INT)")
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(server.dsn(user="watched", password="Wrong-pw-1"))
        with psycopg.connect(server.dsn(user="watched", password="Watched-pw-1"), autocommit=True) as con:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute("SELECT * FROM audited")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute("GRANT SELECT ON audited TO watched")
            # A user sees their own statements only, and not the connection or user logs.
            assert con.execute("SELECT count(*) FROM sys_query_history WHERE user_name <> 'watched'").fetchone() == (0,)
            assert con.execute("SELECT count(*) FROM stl_connection_log").fetchone() == (0,)
        with psycopg.connect(server.dsn(), autocommit=True) as con:
            # The server records the disconnection once it has seen the connection close.
            deadline = time.time() + 10
            while True:
                events = con.execute("SELECT event, username, authmethod FROM stl_connection_log "
                                     "WHERE username = 'watched' ORDER BY recordtime").fetchall()
                if len(events) >= 3 or time.time() > deadline:
                    break
                time.sleep(0.05)
            assert [e[0] for e in events] == ["authentication failure", "authenticated", "disconnecting session"]
            assert events[1][2] in ("scram-sha-256", "md5")
            app = con.execute("SELECT application_name FROM stl_connection_log WHERE event = 'authenticated' "
                              "AND username = 'admin' LIMIT 1").fetchone()
            assert app == ("auditor",)
            denied = con.execute("SELECT query_text, status FROM sys_query_history WHERE user_name = 'watched' "
                                 "AND status = 'failed' ORDER BY query_id").fetchall()
            assert denied == [("SELECT * FROM audited", "failed"), ("GRANT SELECT ON audited TO watched", "failed")]
            assert con.execute("SELECT action FROM stl_userlog WHERE username = 'watched'").fetchall() == [("create",)]
        files = {name: open(os.path.join(audit.name, name)).read() for name in ("connectionlog", "userlog", "useractivitylog")}
        assert "authentication failure |" in files["connectionlog"] and "|watched |" in files["connectionlog"]
        assert "|watched||create|" in files["userlog"]
        activity = files["useractivitylog"]
        assert "user=watched" in activity and "LOG: GRANT SELECT ON audited TO watched -- ERROR 42501" in activity
    finally:
        server.stop()
        audit.cleanup()
