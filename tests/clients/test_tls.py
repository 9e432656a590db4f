"""TLS: `redwood serve --tls-cert/--tls-key` with a certificate from a test CA that clients verify
(psycopg and psql with sslmode=verify-full, redshift_connector as Redshift users run it: ssl=True,
verify-full), `--require-ssl` refusing plaintext, and the self-signed certificate generated into
the data directory when none is given."""

import os
import shutil
import subprocess

import psycopg
import pytest
import redshift_connector

from redwood_server import Server

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A test CA and a server certificate it signed for 127.0.0.1 and localhost."""
    d = tmp_path_factory.mktemp("tls")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Redwood test CA",
            "-keyout", "ca.key", "-out", "ca.pem", cwd=d)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
            "-out", "server.csr", cwd=d)
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "san.ext", "-out", "server.pem", cwd=d)
    return d


@pytest.fixture(scope="module")
def tls_server(certificates):
    s = Server("--tls-cert", str(certificates / "server.pem"), "--tls-key", str(certificates / "server.key"),
               "--require-ssl")
    yield s
    s.stop()


def test_psycopg_verifies_the_server(tls_server, certificates):
    dsn = tls_server.dsn(sslmode="verify-full", sslrootcert=str(certificates / "ca.pem"))
    with psycopg.connect(dsn) as con:
        assert con.pgconn.ssl_in_use
        assert con.execute("SELECT 40 + 2").fetchone()[0] == 42


def test_plaintext_is_refused(tls_server):
    with pytest.raises(psycopg.OperationalError) as failure:
        psycopg.connect(tls_server.dsn(sslmode="disable"))
    assert "SSL" in str(failure.value) or "28000" in str(failure.value)


def test_a_certificate_from_another_ca_is_rejected(tls_server, tmp_path):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Other CA",
            "-keyout", "other.key", "-out", "other.pem", cwd=tmp_path)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(tls_server.dsn(sslmode="verify-full", sslrootcert=str(tmp_path / "other.pem")))


def test_redshift_connector_with_default_tls(tls_server, certificates, monkeypatch):
    # The driver trusts its bundled Redshift CAs plus the system's; SSL_CERT_FILE adds the test CA.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))
    con = redshift_connector.connect(host=tls_server.host, port=tls_server.port, database="dev",
                                     user=tls_server.user, password=tls_server.password, ssl=True,
                                     sslmode="verify-full")
    cur = con.cursor()
    cur.execute("SELECT current_user")
    assert cur.fetchone()[0] == tls_server.user
    con.close()


@pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")
def test_psql_over_verified_tls(tls_server, certificates):
    env = dict(os.environ, PGPASSWORD=tls_server.password, PGSSLMODE="verify-full",
               PGSSLROOTCERT=str(certificates / "ca.pem"))
    result = subprocess.run(["psql", "-X", "-At", "-h", tls_server.host, "-p", str(tls_server.port), "-U",
                             tls_server.user, "-d", "dev", "-c", "SELECT 'over tls'"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "over tls"


def test_self_signed_certificate_when_none_is_given(server):
    with psycopg.connect(server.dsn(sslmode="require")) as con:
        assert con.pgconn.ssl_in_use
        assert con.execute("SELECT 1").fetchone()[0] == 1
    certificate = os.path.join(server.dir.name, "db", "server.crt")
    key = os.path.join(server.dir.name, "db", "server.key")
    assert os.path.exists(certificate)
    assert os.stat(key).st_mode & 0o077 == 0, "the generated private key is readable by others"
