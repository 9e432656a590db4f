"""Temporary credentials, as Redshift's GetClusterCredentials: redshift_connector's IAM login
(`iam=True` with access keys and `endpoint_url`) against the Redshift API `redwood serve
--access-keys` serves over HTTPS, boto3 calling that API directly (SigV4 checked, the key's
policy enforced), and `redwood credentials` issuing them offline; expired, tampered and misused
credentials refused with 28P01."""

import json
import os
import subprocess
import time

import boto3
import botocore.exceptions
import psycopg
import pytest
import redshift_connector

from redwood_server import Server, redwood_binary

CLUSTER = "analytics"
ALICE = {"access_key_id": "AKIDALICE0000000001", "secret_access_key": "alice/secret+key0000000000000000000000"}
KEYS = {
    "access_keys": [
        {**ALICE, "iam_user": "alice", "db_users": ["alice", "etl_*"], "db_groups": ["analysts"], "auto_create": True},
        # May log in as the existing user bob, without creating users or joining groups.
        {"access_key_id": "AKIDBOB000000000001", "secret_access_key": "bob-secret-key-000000000000000000000000",
         "iam_user": "bob"},
    ]
}


@pytest.fixture(scope="module")
def iam_server(tmp_path_factory):
    keys = tmp_path_factory.mktemp("iam") / "access-keys.json"
    keys.write_text(json.dumps(KEYS))
    keys.chmod(0o600)
    server = Server("--access-keys", str(keys), "--api-port", "0", "--cluster-identifier", CLUSTER)
    assert server.api_url and server.api_url.startswith("https://127.0.0.1:")
    with psycopg.connect(server.dsn(), autocommit=True) as con:
        con.execute("CREATE GROUP analysts")
        con.execute("CREATE TABLE sales (region VARCHAR(10), amount INT)")
        con.execute("INSERT INTO sales VALUES ('west', 5), ('east', 7)")
        con.execute("GRANT SELECT ON sales TO GROUP analysts")
        con.execute("CREATE USER bob PASSWORD DISABLE")
    yield server
    server.stop()


@pytest.fixture
def trust_server(iam_server, monkeypatch):
    """Clients trust the certificate the server generated (its API and its SQL endpoint)."""
    certificate = os.path.join(iam_server.data, "server.crt")
    monkeypatch.setenv("AWS_CA_BUNDLE", certificate)
    monkeypatch.setenv("SSL_CERT_FILE", certificate)
    return certificate


def redshift_client(server, key=ALICE):
    return boto3.client("redshift", region_name="us-east-1", endpoint_url=server.api_url,
                        aws_access_key_id=key["access_key_id"], aws_secret_access_key=key["secret_access_key"])


def login(server, user, password, sslmode="require"):
    return psycopg.connect(server.dsn(user=user, password=password, sslmode=sslmode), autocommit=True)


def test_redshift_connector_logs_in_with_iam(iam_server, trust_server):
    # Without host and port the driver finds them with DescribeClusters, then calls
    # GetClusterCredentials with the user, groups and AutoCreate, then logs in over TLS.
    con = redshift_connector.connect(iam=True, database="dev", db_user="alice", cluster_identifier=CLUSTER,
                                     access_key_id=ALICE["access_key_id"], secret_access_key=ALICE["secret_access_key"],
                                     region="us-east-1", endpoint_url=iam_server.api_url, auto_create=True,
                                     db_groups=["analysts"], ssl=True, sslmode="verify-full")
    cur = con.cursor()
    cur.execute("SELECT current_user, (SELECT sum(amount) FROM sales)")
    assert cur.fetchone() == ["alice", 12]
    con.close()
    # Created on first login without a password; in the group the credentials named for that
    # session only, as on Redshift: nothing outlives the credentials.
    with pytest.raises(psycopg.OperationalError) as failure:
        login(iam_server, "alice", "Any-password-1")
    assert "password authentication is disabled" in str(failure.value)
    with psycopg.connect(iam_server.dsn(), autocommit=True) as admin:
        assert admin.execute("SELECT usename FROM pg_group g JOIN pg_user u ON u.usesysid = ANY(g.grolist) "
                             "WHERE groname = 'analysts'").fetchall() == []
        assert admin.execute("SELECT count(*) FROM pg_user WHERE usename = 'alice'").fetchone() == (1,)
        methods = admin.execute("SELECT DISTINCT authmethod FROM stl_connection_log "
                                "WHERE username = 'alice' AND event = 'authenticated'").fetchall()
        assert methods == [("iam",)]


def test_redshift_connector_with_the_host_given(iam_server, trust_server):
    # Given a host that is not an Amazon name, the driver first tries it as a custom domain
    # (refused), then uses the cluster identifier.
    con = redshift_connector.connect(iam=True, host=iam_server.host, port=iam_server.port, database="dev",
                                     db_user="bob", cluster_identifier=CLUSTER, region="us-east-1",
                                     access_key_id=KEYS["access_keys"][1]["access_key_id"],
                                     secret_access_key=KEYS["access_keys"][1]["secret_access_key"],
                                     endpoint_url=iam_server.api_url, ssl=True, sslmode="verify-full")
    cur = con.cursor()
    cur.execute("SELECT current_user")
    assert cur.fetchone() == ["bob"]
    con.close()


def test_the_api_checks_signatures_and_policies(iam_server, trust_server):
    client = redshift_client(iam_server)
    cluster = client.describe_clusters(ClusterIdentifier=CLUSTER)["Clusters"][0]
    assert (cluster["Endpoint"]["Address"], cluster["Endpoint"]["Port"]) == (iam_server.host, iam_server.port)
    issued = client.get_cluster_credentials(DbUser="etl_nightly", DbName="dev", ClusterIdentifier=CLUSTER,
                                            AutoCreate=True, DurationSeconds=900)
    assert issued["DbUser"] == "IAMA:etl_nightly"
    assert 800 < issued["Expiration"].timestamp() - time.time() <= 900

    def refused(code, client, **request):
        with pytest.raises(botocore.exceptions.ClientError) as failure:
            client.get_cluster_credentials(**{"DbName": "dev", "ClusterIdentifier": CLUSTER, **request})
        assert failure.value.response["Error"]["Code"] == code, failure.value.response

    # The policy: other users, other groups, creating users without the right.
    refused("AccessDenied", client, DbUser="admin")
    refused("AccessDenied", client, DbUser="alice", DbGroups=["admins"])
    refused("AccessDenied", redshift_client(iam_server, KEYS["access_keys"][1]), DbUser="bob", AutoCreate=True)
    refused("ClusterNotFound", client, DbUser="alice", ClusterIdentifier="other")
    refused("InvalidParameterValue", client, DbUser="alice", DurationSeconds=60)
    # Signatures: a wrong secret, an unknown key.
    wrong_secret = redshift_client(iam_server, {**ALICE, "secret_access_key": "not-the-secret"})
    refused("SignatureDoesNotMatch", wrong_secret, DbUser="alice")
    unknown = redshift_client(iam_server, {"access_key_id": "AKIDNOBODY", "secret_access_key": "x"})
    refused("InvalidClientTokenId", unknown, DbUser="alice")


def test_tampered_and_misused_credentials_are_refused(iam_server, trust_server):
    issued = redshift_client(iam_server).get_cluster_credentials(DbUser="alice", DbName="dev", ClusterIdentifier=CLUSTER)
    user, password = issued["DbUser"], issued["DbPassword"]
    assert user == "IAM:alice"
    with login(iam_server, user, password) as con:
        assert con.execute("SELECT current_user").fetchone() == ("alice",)

    def refused(sqlstate, user, password, ssl=True):
        with pytest.raises(redshift_connector.Error) as failure:
            redshift_connector.connect(host=iam_server.host, port=iam_server.port, database="dev", user=user,
                                       password=password, ssl=ssl, sslmode="verify-full")
        error = failure.value.args[0]
        assert isinstance(error, dict) and error["C"] == sqlstate, error
        return error["M"]

    flipped = password[:-1] + ("A" if password[-1] != "A" else "B")
    refused("28P01", user, flipped)
    refused("28P01", "IAM:bob", password)       # another user's name
    refused("28P01", "IAMA:alice", password)    # claiming the right to create the user
    refused("28000", "alice", password)         # alice logs in with temporary credentials only
    # A bearer token: never accepted over a plaintext connection.
    message = refused("28000", user, password, ssl=False)
    assert "SSL" in message


def credentials_of(issued):
    return issued["DbUser"], issued["DbPassword"]


def test_redwood_credentials_issues_them_offline_and_they_expire(iam_server, trust_server):
    def issue(*args):
        out = subprocess.run([redwood_binary(), "credentials", "--data", iam_server.data, *args],
                             check=True, capture_output=True, text=True).stdout
        return json.loads(out)

    issued = issue("--db-user", "carol", "--auto-create", "--db-group", "analysts")
    assert issued["DbUser"] == "IAMA:carol"
    with login(iam_server, issued["DbUser"], issued["DbPassword"]) as con:
        assert con.execute("SELECT current_user, count(*) FROM sales").fetchone() == ("carol", 2)
    short = issue("--db-user", "bob", "--duration-seconds", "1")
    time.sleep(2)
    with pytest.raises(psycopg.OperationalError) as failure:
        login(iam_server, short["DbUser"], short["DbPassword"])
    assert "expired" in str(failure.value)
    # Without the group, carol's next session cannot read sales; a group that does not exist
    # fails the login.
    with login(iam_server, *credentials_of(issue("--db-user", "carol"))) as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("SELECT count(*) FROM sales")
    with pytest.raises(psycopg.OperationalError) as failure:
        login(iam_server, *credentials_of(issue("--db-user", "carol", "--db-group", "no_such_group")))
    assert 'group "no_such_group" does not exist' in str(failure.value)
    # Credentials for a user that does not exist, without AutoCreate, open nothing.
    nobody = issue("--db-user", "nobody")
    with pytest.raises(psycopg.OperationalError) as failure:
        login(iam_server, nobody["DbUser"], nobody["DbPassword"])
    assert "does not exist" in str(failure.value)
