"""The privilege matrix the client tests run through each client: users × objects × statements,
and which of them each user may run (the rest fail with 42501)."""

PASSWORD = "Matrix-pw-1"

SETUP = [
    "CREATE TABLE m_sales (id INT, region VARCHAR(10), card VARCHAR(20))",
    "INSERT INTO m_sales VALUES (1, 'east', '4111')",
    "CREATE VIEW m_view AS SELECT id, region FROM m_sales",
    "CREATE GROUP m_writers",
    "GRANT SELECT ON m_view TO m_viewer",
    "GRANT SELECT ON m_sales TO m_reader",
    "GRANT SELECT (id, region) ON m_sales TO m_columns",
    "GRANT INSERT, UPDATE, DELETE ON m_sales TO GROUP m_writers",
    "ALTER GROUP m_writers ADD USER m_writer",
]
USERS = ["m_viewer", "m_reader", "m_columns", "m_writer", "m_nobody"]

STATEMENTS = {
    "select table": "SELECT count(*) FROM m_sales",
    "select granted columns": "SELECT id, region FROM m_sales",
    "select all columns": "SELECT * FROM m_sales",
    "select view": "SELECT count(*) FROM m_view",
    "insert": "INSERT INTO m_sales (id, region) VALUES (9, 'x')",
    "update": "UPDATE m_sales SET region = 'y' WHERE false",
    "delete": "DELETE FROM m_sales WHERE false",
    "drop": "DROP TABLE m_sales",
}

# Which statements each user may run (the rest fail with 42501).
ALLOWED = {
    "m_viewer": {"select view"},
    "m_reader": {"select table", "select granted columns", "select all columns"},
    # count(*) reads no column: SELECT on some column is enough, as in PostgreSQL.
    "m_columns": {"select table", "select granted columns"},
    # WHERE false reads no column: UPDATE/DELETE need only their own privilege.
    "m_writer": {"insert", "update", "delete"},
    "m_nobody": set(),
}


def setup_statements():
    users = [f"CREATE USER {u} PASSWORD '{PASSWORD}'" for u in USERS]
    return users + SETUP


def check_matrix(run):
    """`run(user, sql)` returns None on success or the SQLSTATE of the failure."""
    outcomes = {(user, name): run(user, sql) for user in USERS for name, sql in STATEMENTS.items()}
    expected = {(user, name): None if name in ALLOWED[user] else "42501" for user in USERS for name in STATEMENTS}
    wrong = {key: (outcomes[key], expected[key]) for key in expected if outcomes[key] != expected[key]}
    assert not wrong, f"(user, statement): (outcome, expected): {wrong}"
