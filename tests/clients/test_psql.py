"""psql against `redwood serve`: scripts, transactions, errors and exit codes."""

import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")


def psql(server, *args, password=None, input=None):
    env = dict(os.environ, PGPASSWORD=password or server.password, PGSSLMODE="disable")
    command = ["psql", "-X", "-h", server.host, "-p", str(server.port), "-U", server.user, "-d", "dev",
               "-v", "ON_ERROR_STOP=1", "-At", *args]
    return subprocess.run(command, env=env, input=input, capture_output=True, text=True, timeout=60)


def test_script_and_results(server):
    script = """
    CREATE TABLE psql_t (id INT, city VARCHAR(20)) DISTSTYLE EVEN;
    INSERT INTO psql_t VALUES (1, 'Oslo'), (2, 'Lima'), (3, NULL);
    BEGIN;
    UPDATE psql_t SET city = 'Rome' WHERE id = 3;
    COMMIT;
    SELECT id, city FROM psql_t ORDER BY id;
    """
    result = psql(server, input=script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-3:] == ["1|Oslo", "2|Lima", "3|Rome"]


def test_error_exit_code_and_message(server):
    result = psql(server, "-c", "SELECT * FROM missing_table")
    assert result.returncode != 0
    assert 'relation "missing_table" does not exist' in result.stderr


def test_wrong_password(server):
    result = psql(server, "-c", "SELECT 1", password="Not-the-password-1")
    assert result.returncode == 2
    assert "password authentication failed" in result.stderr


def test_version(server):
    result = psql(server, "-c", "SELECT 1 + 1")
    assert result.stdout.strip() == "2"


def test_describe_commands(server):
    setup = """
    CREATE TABLE psql_desc (id INT NOT NULL DISTKEY, amount DECIMAL(10,2), note VARCHAR(30), qty INT DEFAULT 1) SORTKEY(id);
    CREATE VIEW psql_desc_v AS SELECT id, note FROM psql_desc;
    """
    assert psql(server, input=setup).returncode == 0
    tables = psql(server, "-c", r"\dt psql_desc")
    assert tables.returncode == 0, tables.stderr
    assert tables.stdout.strip() == "public|psql_desc|table|admin"
    table = psql(server, "-c", r"\d psql_desc")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines() == [
        "id|integer||not null|",
        "amount|numeric(10,2)|||",
        "note|character varying(30)|||",
        "qty|integer|||1",
    ]
    views = psql(server, "-c", r"\dv")
    assert "public|psql_desc_v|view|admin" in views.stdout.splitlines()
    view = psql(server, "-c", r"\d psql_desc_v")
    assert view.stdout.splitlines() == ["id|integer|||", "note|character varying(30)|||"]


def test_copy_in_and_out(server, tmp_path):
    data = tmp_path / "rows.tsv"
    data.write_text("1\tOslo\t2024-01-02\n2\t\\N\t2024-02-03\n3\ta\\tb\t2024-03-04\n")
    csv = tmp_path / "rows.csv"
    csv.write_text('id,city\n4,"Lima, PE"\n')
    script = f"""
    CREATE TABLE psql_copy (id INT, city VARCHAR(20), d DATE);
    \\copy psql_copy from '{data}'
    \\copy psql_copy (id, city) from '{csv}' with (format csv, header true)
    \\copy (SELECT * FROM psql_copy ORDER BY id) to stdout
    """
    result = psql(server, input=script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-4:] == [
        "1\tOslo\t2024-01-02",
        "2\t\\N\t2024-02-03",
        "3\ta\\tb\t2024-03-04",
        "4\tLima, PE\t\\N",
    ]
    bad = tmp_path / "bad.tsv"
    bad.write_text("5\tRome\tnot a date\n")
    failed = psql(server, "-c", f"\\copy psql_copy from '{bad}'")
    assert failed.returncode != 0
    count = psql(server, "-c", "SELECT count(*) FROM psql_copy")
    assert count.stdout.strip() == "4", "a failed COPY loads nothing"
