"""Amazon's redshift_connector (the Python driver for Redshift) against `redwood serve`."""

from decimal import Decimal

import redshift_connector


def connect(server):
    # TLS with a test CA is not covered yet: the driver verifies against its bundled Redshift CAs.
    return redshift_connector.connect(host=server.host, port=server.port, database="dev", user=server.user,
                                      password=server.password, ssl=False)


def test_queries_and_metadata(server):
    con = connect(server)
    cur = con.cursor()
    cur.execute("CREATE TABLE rc_t (id INT NOT NULL DISTKEY, name VARCHAR(20), price DECIMAL(8,2)) SORTKEY(id)")
    cur.execute("INSERT INTO rc_t VALUES (%s, %s, %s)", (1, "one", Decimal("1.50")))
    cur.execute("INSERT INTO rc_t VALUES (2, 'two', NULL)")
    con.commit()
    cur.execute("SELECT id, name, price FROM rc_t ORDER BY id")
    assert cur.fetchall() == ([1, "one", Decimal("1.50")], [2, "two", None])
    cur.execute("SELECT id, name FROM rc_t ORDER BY id")
    frame = cur.fetch_dataframe()
    assert list(frame.columns) == ["id", "name"] and frame["name"].tolist() == ["one", "two"]

    tables = cur.get_tables(table_name_pattern="rc_t")
    assert [(t[1], t[2], t[3]) for t in tables] == [("public", "rc_t", "TABLE")]
    con.close()
