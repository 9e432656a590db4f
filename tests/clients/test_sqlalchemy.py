"""SQLAlchemy 2 with the sqlalchemy-redshift dialect (and pandas on top of it) against `redwood serve`.

Runs once through Amazon's redshift_connector (`redshift+redshift_connector://`, what Redshift users use) and
once through psycopg2 (`redshift+psycopg2://`). Reflection goes through the dialect's own catalog queries
(pg_class/pg_attribute/pg_attrdef/pg_constraint with Redshift's reldiststyle, attisdistkey, attsortkeyord,
attencodingtype, format_encoding(), pg_get_late_binding_view_cols(), svv_external_*).
"""

import datetime
from decimal import Decimal

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION

DRIVERS = ["redshift_connector", "psycopg2"]


@pytest.fixture(scope="module", params=DRIVERS)
def engine(request, server):
    driver = request.param
    if driver == "redshift_connector":
        # TLS with a test CA is not covered yet: the driver verifies against its bundled Redshift CAs.
        connect_args = {"ssl": False}
    else:
        pytest.importorskip("psycopg2")
        # The dialect defaults to sslmode=verify-full with its bundled Redshift CA bundle.
        connect_args = {"sslmode": "disable"}
    url = sa.URL.create(f"redshift+{driver}", username=server.user, password=server.password,
                        host=server.host, port=server.port, database=server.dbname)
    eng = sa.create_engine(url, connect_args=connect_args, echo=True)
    eng.suffix = "rc" if driver == "redshift_connector" else "pg2"
    yield eng
    eng.dispose()


def test_connect(engine):
    with engine.connect() as con:
        assert con.execute(sa.text("SELECT 1 + 1")).scalar() == 2
        assert con.execute(sa.text("SELECT current_database()")).scalar() == "dev"
        assert con.execute(sa.text("SELECT :a || :b"), {"a": "red", "b": "wood"}).scalar() == "redwood"
    assert engine.dialect.server_version_info[:3] == (8, 0, 2)
    assert engine.dialect.default_schema_name == "public"


def create_sales(engine):
    table = f"sa_sales_{engine.suffix}"
    with engine.begin() as con:
        con.exec_driver_sql(f"""CREATE TABLE {table} (
            id INTEGER NOT NULL ENCODE az64,
            region VARCHAR(32) NOT NULL ENCODE lzo,
            amount NUMERIC(12,2) DEFAULT 0,
            sold_at TIMESTAMP,
            note CHAR(8),
            flag BOOLEAN,
            big BIGINT,
            ratio DOUBLE PRECISION,
            PRIMARY KEY (id))
            DISTSTYLE KEY DISTKEY(region) COMPOUND SORTKEY(sold_at, id)""")
        con.exec_driver_sql(f"INSERT INTO {table} (id, region, amount, sold_at) VALUES "
                            "(1, 'east', 10.50, '2024-01-02 03:04:05'), (2, 'west', 7, NULL)")
    return table


@pytest.fixture(scope="module")
def sales(engine):
    return create_sales(engine)


def test_table_names_and_has_table(engine, sales):
    insp = sa.inspect(engine)
    assert sales in insp.get_table_names()
    assert sales in insp.get_table_names(schema="public")
    assert insp.has_table(sales)
    assert not insp.has_table(f"{sales}_missing")


def test_get_columns(engine, sales):
    columns = sa.inspect(engine).get_columns(sales)
    assert [c["name"] for c in columns] == ["id", "region", "amount", "sold_at", "note", "flag", "big", "ratio"]
    by_name = {c["name"]: c for c in columns}

    assert isinstance(by_name["id"]["type"], sa.INTEGER)
    assert isinstance(by_name["region"]["type"], sa.VARCHAR) and by_name["region"]["type"].length == 32
    amount = by_name["amount"]["type"]
    assert isinstance(amount, sa.NUMERIC) and (amount.precision, amount.scale) == (12, 2)
    assert isinstance(by_name["sold_at"]["type"], sa.TIMESTAMP) and not by_name["sold_at"]["type"].timezone
    assert isinstance(by_name["note"]["type"], sa.CHAR) and by_name["note"]["type"].length == 8
    assert isinstance(by_name["flag"]["type"], sa.BOOLEAN)
    assert isinstance(by_name["big"]["type"], sa.BIGINT)
    assert isinstance(by_name["ratio"]["type"], DOUBLE_PRECISION)

    assert [c["nullable"] for c in columns] == [False, False, True, True, True, True, True, True]
    # PostgreSQL and Redshift render the default expression as `0` (optionally with a cast).
    assert by_name["amount"]["default"] is not None
    assert by_name["amount"]["default"].split("::")[0].strip("()") == "0"
    assert all(by_name[n]["default"] is None for n in ("id", "region", "sold_at", "note"))

    # ENCODE as reported by format_encoding(attencodingtype).
    assert by_name["id"]["info"].get("encode") == "az64"
    assert by_name["region"]["info"].get("encode") == "lzo"


def test_get_pk_constraint(engine, sales):
    pk = sa.inspect(engine).get_pk_constraint(sales)
    assert pk["constrained_columns"] == ["id"]
    assert pk["name"]
    assert sa.inspect(engine).get_foreign_keys(sales) == []
    assert sa.inspect(engine).get_unique_constraints(sales) == []


def test_get_table_options(engine, sales):
    options = sa.inspect(engine).get_table_options(sales)
    assert options == {
        "redshift_diststyle": "KEY",
        "redshift_distkey": "region",
        "redshift_sortkey": ("sold_at", "id"),
        "redshift_interleaved_sortkey": None,
    }


def test_table_autoload(engine, sales):
    table = sa.Table(sales, sa.MetaData(), autoload_with=engine)
    assert [c.name for c in table.primary_key.columns] == ["id"]
    assert table.c.region.type.length == 32 and not table.c.region.nullable
    redshift = table.dialect_options["redshift"]
    assert redshift["diststyle"] == "KEY"
    assert redshift["distkey"] == "region"
    assert tuple(redshift["sortkey"]) == ("sold_at", "id")
    with engine.connect() as con:
        rows = con.execute(sa.select(table.c.id, table.c.region, table.c.amount, table.c.sold_at)
                           .order_by(table.c.id)).all()
    assert rows == [(1, "east", Decimal("10.50"), datetime.datetime(2024, 1, 2, 3, 4, 5)),
                    (2, "west", Decimal("7.00"), None)]


def test_interleaved_and_even(engine):
    interleaved, even = f"sa_inter_{engine.suffix}", f"sa_even_{engine.suffix}"
    with engine.begin() as con:
        con.exec_driver_sql(f"CREATE TABLE {interleaved} (a INT, b VARCHAR(10), c DATE) INTERLEAVED SORTKEY(c, a)")
        con.exec_driver_sql(f"CREATE TABLE {even} (a INT, b VARCHAR(10)) DISTSTYLE ALL")
    insp = sa.inspect(engine)
    options = insp.get_table_options(interleaved)
    assert options["redshift_interleaved_sortkey"] == ("c", "a")
    assert options["redshift_sortkey"] is None
    assert options["redshift_distkey"] is None
    options = insp.get_table_options(even)
    assert options["redshift_diststyle"] == "ALL"
    assert options["redshift_distkey"] is None and options["redshift_sortkey"] == ()


def test_views(engine, sales):
    view = f"sa_view_{engine.suffix}"
    with engine.begin() as con:
        con.exec_driver_sql(f"CREATE VIEW {view} AS SELECT id, region FROM {sales} WHERE amount > 8")
    insp = sa.inspect(engine)
    assert view in insp.get_view_names()
    assert view not in insp.get_table_names()
    definition = insp.get_view_definition(view)
    assert definition == f"SELECT id, region FROM {sales} WHERE amount > 8", "the view's text as written"
    columns = insp.get_columns(view)
    assert [c["name"] for c in columns] == ["id", "region"]
    assert isinstance(columns[1]["type"], sa.VARCHAR) and columns[1]["type"].length == 32


def test_core_ddl_and_dml(engine):
    """Table DDL compiled by the dialect (DISTSTYLE/DISTKEY/SORTKEY/ENCODE), then Core insert/select/update/delete."""
    metadata = sa.MetaData()
    items = sa.Table(
        f"sa_core_{engine.suffix}", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(40), nullable=False, redshift_encode="zstd"),
        sa.Column("price", sa.Numeric(10, 3)),
        sa.Column("added", sa.Date),
        redshift_diststyle="KEY", redshift_distkey="id", redshift_sortkey=("added", "id"),
    )
    metadata.create_all(engine)
    try:
        with engine.begin() as con:
            con.execute(items.insert(), [
                {"id": 1, "name": "apple", "price": Decimal("1.250"), "added": datetime.date(2024, 5, 1)},
                {"id": 2, "name": "pear", "price": None, "added": datetime.date(2024, 5, 2)},
                {"id": 3, "name": "fig", "price": Decimal("3.500"), "added": None},
            ])
            assert con.execute(items.update().where(items.c.id == 2).values(price=Decimal("0.5"))).rowcount == 1
            assert con.execute(items.delete().where(items.c.name == "fig")).rowcount == 1
        with engine.connect() as con:
            rows = con.execute(sa.select(items).order_by(items.c.id)).all()
            assert rows == [(1, "apple", Decimal("1.250"), datetime.date(2024, 5, 1)),
                            (2, "pear", Decimal("0.500"), datetime.date(2024, 5, 2))]
            total = con.execute(sa.select(sa.func.sum(items.c.price), sa.func.count())).one()
            assert total == (Decimal("1.750"), 2)
        options = sa.inspect(engine).get_table_options(items.name)
        assert options["redshift_diststyle"] == "KEY" and options["redshift_distkey"] == "id"
        assert options["redshift_sortkey"] == ("added", "id")
        name = {c["name"]: c for c in sa.inspect(engine).get_columns(items.name)}["name"]
        assert name["info"].get("encode") == "zstd" and not name["nullable"]
    finally:
        metadata.drop_all(engine)
    assert not sa.inspect(engine).has_table(items.name)


def sample_frame():
    return pd.DataFrame({
        "id": [1, 2, 3, 4],
        "name": ["alpha", "beta", None, "délta"],
        "score": [1.5, -2.25, None, 1e10],
        "active": [True, False, True, None],
        "created": pd.to_datetime(["2024-01-01 00:00:00", "2024-02-29 12:34:56", None, "1999-12-31 23:59:59"]),
        "qty": pd.array([10, None, 30, 40], dtype="Int64"),
    })


def values(series):
    """A column as a plain list, with every kind of missing value (None, NaN, NaT, NA) as None."""
    return [None if pd.isna(v) else v for v in series.astype(object).tolist()]


def test_pandas_to_sql_read_sql(engine):
    table = f"sa_pandas_{engine.suffix}"
    frame = sample_frame()
    written = frame.to_sql(table, engine, index=False, method="multi")
    assert written in (None, 4)
    # Appending goes through has_table + reflection of the existing table first.
    frame.iloc[:2].assign(id=[5, 6]).to_sql(table, engine, index=False, method="multi", if_exists="append")

    back = pd.read_sql(f"SELECT * FROM {table} WHERE id <= 4 ORDER BY id", engine)
    assert list(back.columns) == list(frame.columns)
    assert values(back["id"]) == [1, 2, 3, 4]
    assert values(back["name"]) == ["alpha", "beta", None, "délta"]
    assert values(back["score"]) == [1.5, -2.25, None, 1e10]
    assert values(back["active"]) == [True, False, True, None]
    assert values(back["created"]) == [pd.Timestamp("2024-01-01 00:00:00"), pd.Timestamp("2024-02-29 12:34:56"),
                                       None, pd.Timestamp("1999-12-31 23:59:59")]
    assert values(back["qty"]) == [10, None, 30, 40]

    counts = pd.read_sql(sa.text(f"SELECT count(*) AS n, sum(qty) AS q FROM {table} WHERE id > :lo"), engine,
                         params={"lo": 0})
    assert counts["n"][0] == 6 and counts["q"][0] == 10 + 30 + 40 + 10

    # read_sql_table reflects the table through the dialect.
    whole = pd.read_sql_table(table, engine).sort_values("id").reset_index(drop=True)
    assert values(whole["id"]) == [1, 2, 3, 4, 5, 6]
    assert values(whole["name"]) == ["alpha", "beta", None, "délta", "alpha", "beta"]
    assert values(whole["qty"]) == [10, None, 30, 40, 10, None]

    # if_exists="replace" drops (after reflection) and recreates.
    frame.iloc[:1].to_sql(table, engine, index=False, method="multi", if_exists="replace")
    assert pd.read_sql(f"SELECT id, name FROM {table}", engine).values.tolist() == [[1, "alpha"]]
