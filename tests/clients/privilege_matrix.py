"""The privilege matrix (privilege_matrix.txt) for the Python clients' tests: users × objects ×
statements, and which of them each user may run (the rest fail with 42501)."""

import os


def _sections():
    sections, current = {}, None
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "privilege_matrix.txt")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                current = sections.setdefault(line[1:-1], [])
            else:
                current.append(line)
    return sections


_MATRIX = _sections()
PASSWORD = _MATRIX["password"][0]
USERS = _MATRIX["users"]
STATEMENTS = dict(tuple(part.strip() for part in line.split("|", 1)) for line in _MATRIX["statements"])
ALLOWED = {user.strip(): {name.strip() for name in names.split(",") if name.strip()}
           for user, names in (line.split("|", 1) for line in _MATRIX["allowed"])}


def setup_statements():
    return [f"CREATE USER {u} PASSWORD '{PASSWORD}'" for u in USERS] + _MATRIX["setup"]


def check_matrix(run):
    """`run(user, sql)` returns None on success or the SQLSTATE of the failure."""
    outcomes = {(user, name): run(user, sql) for user in USERS for name, sql in STATEMENTS.items()}
    expected = {(user, name): None if name in ALLOWED[user] else "42501" for user in USERS for name in STATEMENTS}
    wrong = {key: (outcomes[key], expected[key]) for key in expected if outcomes[key] != expected[key]}
    assert not wrong, f"(user, statement): (outcome, expected): {wrong}"
