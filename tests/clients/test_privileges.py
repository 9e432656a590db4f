"""Privileges through real clients: the matrix of users × objects × statements
(privilege_matrix.py) run by users who log in with their own passwords, through psycopg and
redshift_connector; the catalog's view of the grants. (The Python binding runs the matrix in
python/tests, COPY and UNLOAD are checked in test_lake.py.)"""

import psycopg
import pytest
import redshift_connector
from privilege_matrix import PASSWORD, USERS, check_matrix, setup_statements


def test_matrix_over_psycopg(server):
    with psycopg.connect(server.dsn(), autocommit=True) as admin:
        # The server is shared: another client's matrix may have set it up already.
        if admin.execute("SELECT count(*) FROM pg_user WHERE usename = %s", (USERS[0],)).fetchone() == (0,):
            for sql in setup_statements():
                admin.execute(sql)

    def run(user, sql):
        with psycopg.connect(server.dsn(user=user, password=PASSWORD), autocommit=True) as con:
            try:
                con.execute(sql)
                return None
            except psycopg.Error as e:
                return e.sqlstate

    check_matrix(run)

    def run_redshift_connector(user, sql):
        con = redshift_connector.connect(host=server.host, port=server.port, database="dev", user=user,
                                         password=PASSWORD, ssl=False)
        try:
            con.cursor().execute(sql)
            con.commit()
            return None
        except redshift_connector.Error as e:
            return e.args[0]["C"] if e.args and isinstance(e.args[0], dict) else str(e)
        finally:
            con.close()

    check_matrix(run_redshift_connector)

    # The owner's rights go with the view; the catalog shows the grants.
    with psycopg.connect(server.dsn(user="m_viewer", password=PASSWORD)) as con:
        assert con.execute("SELECT has_table_privilege('m_view', 'select'), "
                           "has_table_privilege('m_sales', 'select')").fetchone() == (True, False)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("SET SESSION AUTHORIZATION admin")
    with psycopg.connect(server.dsn(), autocommit=True) as admin:
        rows = admin.execute("SELECT identity_name, identity_type, privilege_type FROM svv_relation_privileges "
                             "WHERE relation_name = 'm_sales' AND identity_name <> 'admin' "
                             "ORDER BY 1, 3").fetchall()
        assert rows == [("m_reader", "user", "SELECT"), ("m_writers", "group", "DELETE"),
                        ("m_writers", "group", "INSERT"), ("m_writers", "group", "UPDATE")]
