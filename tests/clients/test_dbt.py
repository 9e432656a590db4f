"""dbt-redshift against `redwood serve`: the project in dbt_project/ (a seed, a view, a table with dist/sort
keys, schema tests) through `dbt debug`, `dbt seed`, `dbt run`, `dbt test` and `dbt docs generate`.

dbt-redshift pins redshift-connector<2.2 while the other client tests pin 2.2.0, so dbt lives in a venv of its own:
DBT_BIN names its `dbt` (tests/run makes the venv and sets it), else a `dbt` on PATH; the module is skipped
without one.
Each dbt command's log (logs/dbt.log, with every SQL statement sent) stays in the project copy under the test's
temporary directory, and its output is printed on failure.
"""

import json
import os
import shutil
import subprocess
from decimal import Decimal

import psycopg
import pytest

PROJECT = os.path.join(os.path.dirname(__file__), "dbt_project")
SCHEMA = "dbt_redwood"


def dbt_binary():
    for candidate in (os.environ.get("DBT_BIN"), shutil.which("dbt")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


DBT = dbt_binary()
pytestmark = pytest.mark.skipif(DBT is None, reason="dbt (dbt-redshift) is not installed: set DBT_BIN")


@pytest.fixture(scope="module")
def project(server, tmp_path_factory):
    root = tmp_path_factory.mktemp("dbt")
    project_dir = root / "project"
    shutil.copytree(PROJECT, project_dir)
    profiles_dir = root / "profiles"
    profiles_dir.mkdir()
    (profiles_dir / "profiles.yml").write_text(f"""\
redwood:
  target: dev
  outputs:
    dev:
      type: redshift
      host: {server.host}
      port: {server.port}
      user: {server.user}
      password: "{server.password}"
      dbname: {server.dbname}
      schema: {SCHEMA}
      threads: 1
      sslmode: disable
      connect_timeout: 10
      retries: 0
""")
    return project_dir, profiles_dir


def dbt(project, *args):
    project_dir, profiles_dir = project
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false", DBT_PARTIAL_PARSE="false",
               DBT_USE_COLORS="false", DO_NOT_TRACK="1")
    command = [DBT, *args, "--project-dir", str(project_dir), "--profiles-dir", str(profiles_dir)]
    result = subprocess.run(command, cwd=project_dir, env=env, capture_output=True, text=True, timeout=300)
    print(result.stdout)
    print(result.stderr)
    assert result.returncode == 0, f"{' '.join(args)} exited {result.returncode}; log: {project_dir}/logs/dbt.log"
    return result.stdout


def connect(server):
    return psycopg.connect(server.dsn(), autocommit=True)


def test_debug(project):
    out = dbt(project, "debug")
    assert "All checks passed!" in out


def test_seed(project, server):
    out = dbt(project, "seed")
    assert "Completed successfully" in out
    with connect(server) as con:
        rows = con.execute(f"SELECT id, customer, amount, ordered_at FROM {SCHEMA}.raw_orders ORDER BY id").fetchall()
    assert len(rows) == 6
    assert rows[0][:3] == (1, "alice", Decimal("10.50")) and str(rows[0][3]) == "2024-01-05"


def test_run(project, server):
    out = dbt(project, "run")
    assert "Completed successfully" in out
    with connect(server) as con:
        rows = con.execute(f"SELECT customer, order_count, total_amount, first_order, last_order "
                           f"FROM {SCHEMA}.customer_totals ORDER BY customer").fetchall()
        assert [(c, n, t, str(f), str(last)) for c, n, t, f, last in rows] == [
            ("alice", 3, Decimal("15.00"), "2024-01-05", "2024-03-20"),
            ("bob", 2, Decimal("10.00"), "2024-01-06", "2024-03-15"),
            ("carol", 1, Decimal("100.00"), "2024-02-10", "2024-02-10"),
        ]
        kinds = dict(con.execute(
            "SELECT c.relname, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s", (SCHEMA,)).fetchall())
        assert kinds == {"raw_orders": "r", "stg_orders": "v", "customer_totals": "r"}
        # The table model's dist/sort config reached the DDL.
        keys = con.execute(
            "SELECT a.attname, a.attisdistkey, a.attsortkeyord FROM pg_catalog.pg_attribute a "
            "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = 'customer_totals' AND a.attname = 'customer'", (SCHEMA,)).fetchone()
        assert keys == ("customer", True, 1)
    # A second run replaces the existing relations (rename/drop in a transaction for the table, CREATE OR REPLACE
    # or rename for the view).
    out = dbt(project, "run")
    assert "Completed successfully" in out
    with connect(server) as con:
        assert con.execute(f"SELECT sum(order_count) FROM {SCHEMA}.customer_totals").fetchone() == (6,)


def test_test(project):
    out = dbt(project, "test")
    assert "Completed successfully" in out
    assert "PASS=9" in out


def test_docs_generate(project):
    dbt(project, "docs", "generate")
    catalog = json.loads((project[0] / "target" / "catalog.json").read_text())
    assert not catalog.get("errors")
    nodes = catalog["nodes"]
    totals = nodes["model.redwood_dbt.customer_totals"]
    assert totals["metadata"]["type"].upper() in ("BASE TABLE", "TABLE")
    columns = {name.lower(): col for name, col in totals["columns"].items()}
    assert list(columns) == ["customer", "order_count", "total_amount", "first_order", "last_order"]
    assert columns["total_amount"]["type"].lower().startswith("numeric")
    assert nodes["model.redwood_dbt.stg_orders"]["metadata"]["type"].upper() == "VIEW"
    assert "seed.redwood_dbt.raw_orders" in nodes
