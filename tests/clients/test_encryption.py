"""Encryption at rest through `redwood serve --encrypt --root-key-file`: no marker value inserted
as plaintext is found in any file of the data directory; a wrong or missing root key fails at
start and changes nothing; ROTATE ENCRYPTION KEY keeps the data readable; a flipped byte in a
segment is an integrity error naming the file. With `--root-key-kms`, the root key is a KMS key
(moto's KMS, checking signatures and IAM policies): another key or revoked access leaves the
database closed."""

import hashlib
import json
import os
import subprocess

import boto3
import psycopg
import pytest
from moto_server import moto_server
from redwood_server import ADMIN_PASSWORD, ADMIN_USER, Server, compute_nodes, redwood_binary

MARKERS = ["Zebra-Marker-7731", "Quokka-Default-4410", "Narwhal-View-9923", "Okapi-Comment-1188", "Axolotl-Policy-5521"]


def files_under(directory):
    for root, _, names in os.walk(directory):
        for name in names:
            yield os.path.join(root, name)


def snapshot(directory):
    return {path: hashlib.sha256(open(path, "rb").read()).hexdigest() for path in files_under(directory)}


def start(data, key_file):
    return Server("--encrypt", "--root-key-file", key_file, data=data)


def failed_start(data, *args):
    """`redwood serve` on `data` that must fail: its error text."""
    result = subprocess.run([redwood_binary(), "serve", "--data", data, "--port", "0", "--admin-user", ADMIN_USER,
                             "--admin-password", ADMIN_PASSWORD, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    return result.stderr + result.stdout


def make_key(directory, name, byte="c"):
    """A root key file (64 hex digits), readable by its owner only."""
    path = directory / name
    path.write_text(byte * 64)
    path.chmod(0o600)
    return str(path)


@pytest.fixture
def keys(tmp_path):
    return make_key(tmp_path, "root.key", "a"), make_key(tmp_path, "wrong.key", "b")


def test_encrypted_data_directory(tmp_path, keys):
    key, wrong_key = keys
    data = str(tmp_path / "db")
    server = start(data, key)
    try:
        with psycopg.connect(server.dsn(), autocommit=True) as con:
            con.execute(f"CREATE TABLE secret (id INT, name VARCHAR(40) DEFAULT '{MARKERS[1]}', note VARCHAR(40))")
            con.execute(f"INSERT INTO secret (id, note) SELECT n, '{MARKERS[0]}' || n FROM generate_series(1, 5000) AS g(n)")
            con.execute(f"INSERT INTO secret VALUES (0, '{MARKERS[0]}', '{MARKERS[0]}')")
            con.execute("ANALYZE secret")
            con.execute(f"CREATE VIEW secret_view AS SELECT id FROM secret WHERE note <> '{MARKERS[2]}'")
            con.execute(f"COMMENT ON TABLE secret IS '{MARKERS[3]}'")
            con.execute(f"CREATE RLS POLICY p USING (note <> '{MARKERS[4]}')")
            assert con.execute("SELECT count(*), min(name) FROM secret").fetchone() == (5001, MARKERS[1])
    finally:
        server.stop()
    leaks = [(marker, path) for path in files_under(data) for marker in MARKERS
             if marker.encode() in open(path, "rb").read()]
    assert not leaks, leaks
    assert os.path.exists(os.path.join(data, "keyring.json"))

    # A wrong or missing root key: a clear error at start, and no file changed.
    before = snapshot(data)
    assert "wrong root key" in failed_start(data, "--root-key-file", wrong_key)
    assert "is encrypted" in failed_start(data)
    assert snapshot(data) == before

    # The right key reads everything; rotation re-wraps the keys and the data stays readable.
    server = start(data, key)
    try:
        with psycopg.connect(server.dsn(), autocommit=True) as con:
            assert con.execute("SELECT count(*) FROM secret_view").fetchone() == (5001,)
            assert con.execute("SELECT obj_description('secret'::regclass)").fetchone() == (MARKERS[3],)
            keyring = open(os.path.join(data, "keyring.json")).read()
            con.execute("ROTATE ENCRYPTION KEY")
            assert open(os.path.join(data, "keyring.json")).read() != keyring
            con.execute("CREATE USER plain PASSWORD 'Plain-pw-1'")
        with psycopg.connect(server.dsn(user="plain", password="Plain-pw-1"), autocommit=True) as con:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute("ROTATE ENCRYPTION KEY")
    finally:
        server.stop()
    server = start(data, key)
    try:
        with psycopg.connect(server.dsn(), autocommit=True) as con:
            assert con.execute("SELECT count(*), max(id) FROM secret").fetchone() == (5001, 5000)
    finally:
        server.stop()

    # A flipped byte in a segment: an integrity error naming the file, never wrong rows.
    segments = [p for p in files_under(os.path.join(data, "slices")) if p.endswith(".parquet")]
    assert segments
    damaged = max(segments, key=os.path.getsize)
    with open(damaged, "r+b") as f:
        f.seek(os.path.getsize(damaged) // 2)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0x40]))
    server = start(data, key)
    try:
        with psycopg.connect(server.dsn(), autocommit=True) as con:
            with pytest.raises(psycopg.errors.DataCorrupted) as error:
                con.execute("SELECT sum(length(note)) FROM secret").fetchall()
            assert os.path.basename(damaged) in str(error.value) and "integrity" in str(error.value)
    finally:
        server.stop()


def test_key_files_others_can_read_are_refused(tmp_path):
    key = tmp_path / "loose.key"
    key.write_text("c" * 64)
    key.chmod(0o644)
    assert "chmod 600" in failed_start(str(tmp_path / "db"), "--encrypt", "--root-key-file", str(key))


def test_compute_nodes_encrypt_their_files(tmp_path, keys):
    key, _ = keys
    with compute_nodes(str(tmp_path), "encryption-test", "--encrypt", "--root-key-file", key) as addresses:
        with Server("--compute", ",".join(addresses), "--cluster-secret", "encryption-test", "--encrypt",
                    "--root-key-file", key, data=str(tmp_path / "leader")) as server, \
                psycopg.connect(server.dsn(), autocommit=True) as con:
            con.execute("CREATE TABLE spread (id INT, note VARCHAR(40)) DISTKEY(id)")
            con.execute(f"INSERT INTO spread SELECT n, '{MARKERS[0]}' FROM generate_series(1, 1000) AS g(n)")
            assert con.execute("SELECT count(*) FROM spread WHERE note = %s", (MARKERS[0],)).fetchone() == (1000,)
    node_files = [p for i in range(2) for p in files_under(str(tmp_path / f"node{i}")) if p.endswith(".parquet")]
    assert len(node_files) >= 2
    leaks = [p for p in files_under(str(tmp_path)) if not p.endswith(".key") and MARKERS[0].encode() in open(p, "rb").read()]
    assert not leaks, leaks


def test_root_key_in_kms(tmp_path, monkeypatch):
    # Six set-up requests go unchecked: two IAM users, Redwood's and an administrator's.
    with moto_server(checked_after=6) as url:
        setup = {"endpoint_url": url, "aws_access_key_id": "setup", "aws_secret_access_key": "setup", "region_name": "us-east-1"}
        iam = boto3.client("iam", **setup)

        def user(name, action):
            iam.create_user(UserName=name)
            key = iam.create_access_key(UserName=name)["AccessKey"]
            policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})
            iam.put_user_policy(UserName=name, PolicyName=action, PolicyDocument=policy)
            return key

        access = user("redwood", "kms:*")
        admin = user("admin", "iam:*")
        iam = boto3.client("iam", endpoint_url=url, aws_access_key_id=admin["AccessKeyId"],
                           aws_secret_access_key=admin["SecretAccessKey"], region_name="us-east-1")
        kms = boto3.client("kms", endpoint_url=url, aws_access_key_id=access["AccessKeyId"],
                           aws_secret_access_key=access["SecretAccessKey"], region_name="us-east-1")
        key_id, other_key = (kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(2))
        # Only KMS goes to moto; the server finds it as the AWS SDKs do.
        for name, value in {"AWS_ENDPOINT_URL_KMS": url, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": access["AccessKeyId"],
                            "AWS_SECRET_ACCESS_KEY": access["SecretAccessKey"]}.items():
            monkeypatch.setenv(name, value)
        data = str(tmp_path / "db")
        server = Server("--encrypt", "--root-key-kms", key_id, data=data)
        try:
            with psycopg.connect(server.dsn(), autocommit=True) as con:
                con.execute(f"CREATE TABLE secret AS SELECT n AS id, '{MARKERS[0]}' || n AS note FROM generate_series(1, 1000) AS g(n)")
        finally:
            server.stop()
        assert not [path for path in files_under(data) if MARKERS[0].encode() in open(path, "rb").read()]
        assert json.load(open(os.path.join(data, "keyring.json")))["kms_key_id"] == key_id

        before = snapshot(data)
        assert "KMS refused Decrypt" in failed_start(data, "--root-key-kms", other_key)
        assert f"KMS key {key_id}" in failed_start(data, "--root-key-file", make_key(tmp_path, "local.key"))
        assert snapshot(data) == before

        server = Server("--root-key-kms", key_id, data=data)
        try:
            with psycopg.connect(server.dsn(), autocommit=True) as con:
                con.execute("ROTATE ENCRYPTION KEY")
                assert con.execute("SELECT count(*), max(id) FROM secret").fetchone() == (1000, 1000)
        finally:
            server.stop()
        server = Server("--root-key-kms", key_id, data=data)
        try:
            with psycopg.connect(server.dsn(), autocommit=True) as con:
                assert con.execute("SELECT count(*) FROM secret WHERE note LIKE 'Zebra%'").fetchone() == (1000,)
        finally:
            server.stop()

        # Revoking Redwood's access to the key closes the database (moto does not model disabled
        # keys refusing Decrypt; KMS's DisabledException is reported the same way).
        before = snapshot(data)
        iam.delete_user_policy(UserName="redwood", PolicyName="kms:*")
        assert "AccessDenied" in failed_start(data, "--root-key-kms", key_id)
        assert snapshot(data) == before
