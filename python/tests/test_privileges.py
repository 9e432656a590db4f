"""The privilege matrix (tests/clients/privilege_matrix.py) through the Python binding: embedded,
switching users with SET SESSION AUTHORIZATION, and remote, logging in as each user."""

import redwood
from privilege_matrix import PASSWORD, USERS, check_matrix, setup_statements


def run_as(con, sql):
    cur = con.cursor()
    try:
        cur.execute(sql)
        con.commit()
        return None
    except redwood.Error as e:
        con.rollback()
        return e.sqlstate


def test_matrix(target):
    admin = redwood.connect(target)
    cur = admin.cursor()
    cur.execute("SELECT count(*) FROM pg_user WHERE usename = %s", (USERS[0],))
    if cur.fetchone()[0] == 0:
        for sql in setup_statements():
            cur.execute(sql)
        admin.commit()
    if target.startswith("redwood://"):
        address = target.split("@", 1)[1]

        def run(user, sql):
            con = redwood.connect(f"redwood://{user}:{PASSWORD}@{address}")
            try:
                return run_as(con, sql)
            finally:
                con.close()
    else:
        def run(user, sql):
            cur.execute(f"SET SESSION AUTHORIZATION {user}")
            try:
                return run_as(admin, sql)
            finally:
                cur.execute("RESET SESSION AUTHORIZATION")

    check_matrix(run)
    admin.close()
