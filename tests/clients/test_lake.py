"""The lake on S3: COPY, UNLOAD and Spectrum against a real S3 API served locally by moto
(`moto_server` on a loopback port), through psycopg and `redwood serve --s3-endpoint`: every format
and compression, a prefix of several files, a manifest, MAXERROR and STL_LOAD_ERRORS,
all-or-nothing across files, the ways of giving credentials, missing buckets and objects, and an
external table over Hive-partitioned Parquet written by pyarrow, pruned and joined."""

import bz2
import gzip
import io
import json
import os

import boto3
import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from moto_server import moto_server
from redwood_server import Server

BUCKET = "lake"
KEYS = "ACCESS_KEY_ID 'AKIDEXAMPLE' SECRET_ACCESS_KEY 'secret'"


@pytest.fixture(scope="module")
def s3_endpoint():
    with moto_server() as url:
        yield url


@pytest.fixture(scope="module")
def s3(s3_endpoint):
    client = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id="AKIDEXAMPLE",
                          aws_secret_access_key="secret", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture(scope="module")
def lake_server(s3_endpoint):
    # The server's own credentials stand for IAM_ROLE.
    env = {"AWS_ACCESS_KEY_ID": "AKIDSERVER", "AWS_SECRET_ACCESS_KEY": "server-secret"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        server = Server("--s3-endpoint", s3_endpoint)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    yield server
    server.stop()


@pytest.fixture
def con(lake_server):
    with psycopg.connect(lake_server.dsn(), autocommit=True) as c:
        yield c


def put(s3, key, data):
    s3.put_object(Bucket=BUCKET, Key=key, Body=data)


def rows(con, sql):
    return con.execute(sql).fetchall()


CSV = b"1,one,1.50\n2,two,\n3,\"th,ree\",3.25\n"


def test_copy_every_text_format_and_compression(con, s3):
    put(s3, "fmt/plain.csv", CSV)
    put(s3, "fmt/data.csv.gz", gzip.compress(CSV))
    put(s3, "fmt/data.csv.bz2", bz2.compress(CSV))
    put(s3, "fmt/data.csv.zst", zstandard.ZstdCompressor().compress(CSV))
    put(s3, "fmt/pipe.txt", b"1|one|1.50\n2|\\N|\n")
    con.execute("CREATE TABLE fmt (id INT, name VARCHAR(10), price DECIMAL(6,2))")
    for key, options in [("plain.csv", "CSV"), ("data.csv.gz", "CSV GZIP"), ("data.csv.bz2", "FORMAT AS CSV BZIP2"),
                         ("data.csv.zst", "CSV ZSTD")]:
        cur = con.execute(f"COPY fmt FROM 's3://{BUCKET}/fmt/{key}' {KEYS} {options}")
        assert cur.statusmessage == "COPY 3" and cur.rowcount == 3, key
    assert rows(con, "SELECT id, name, price FROM fmt WHERE id = 3 LIMIT 1") == [(3, "th,ree", __import__("decimal").Decimal("3.25"))]
    assert rows(con, "SELECT count(*), count(price) FROM fmt") == [(12, 8)]
    con.execute(f"COPY fmt FROM 's3://{BUCKET}/fmt/pipe.txt' {KEYS}")
    assert rows(con, "SELECT name FROM fmt WHERE id = 2 AND price IS NULL AND name IS NULL") == [(None,)]


def test_json_and_parquet_from_s3(con, s3):
    put(s3, "json/rows.json", b'{"id": 1, "name": "a"}\n{"id": 2, "NAME": "b"}\n')
    put(s3, "json/paths.json", json.dumps({"jsonpaths": ["$.id", "$.NAME"]}).encode())
    table = pa.table({"id": pa.array([5, 6], pa.int32()), "name": ["p", None]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    put(s3, "parquet/part-0.parquet", buffer.getvalue())
    con.execute("CREATE TABLE js (id INT, name VARCHAR(10))")
    con.execute(f"COPY js FROM 's3://{BUCKET}/json/rows.json' {KEYS} JSON 'auto ignorecase'")
    con.execute(f"COPY js FROM 's3://{BUCKET}/json/rows.json' {KEYS} JSON 's3://{BUCKET}/json/paths.json'")
    con.execute(f"COPY js FROM 's3://{BUCKET}/parquet/' {KEYS} FORMAT AS PARQUET")
    assert sorted(rows(con, "SELECT id, name FROM js"), key=str) == sorted(
        [(1, "a"), (2, "b"), (1, None), (2, "b"), (5, "p"), (6, None)], key=str)


def test_parquet_of_many_row_groups(con, s3):
    """Row groups decode on several threads and stream to the table in file order; a bad value in
    a late row group fails the whole COPY and leaves the table as it was."""
    ids = pa.array(range(20_000), pa.int64())
    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": ids, "word": [f"w{i % 7}" for i in range(20_000)]}), buffer, row_group_size=1_000)
    put(s3, "groups/good.parquet", buffer.getvalue())
    bad = pa.array([i if i != 17_500 else 2**40 for i in range(20_000)], pa.int64())
    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": bad, "word": ["x"] * 20_000}), buffer, row_group_size=1_000)
    put(s3, "groups/bad.parquet", buffer.getvalue())
    con.execute("CREATE TABLE groups (id INT, word VARCHAR(4)) DISTSTYLE EVEN")
    con.execute(f"COPY groups FROM 's3://{BUCKET}/groups/good.parquet' {KEYS} FORMAT AS PARQUET")
    assert rows(con, "SELECT count(*), sum(id), count(DISTINCT word) FROM groups") == [(20_000, 199_990_000, 7)]
    with pytest.raises(psycopg.errors.DatatypeMismatch) as failure:
        con.execute(f"COPY groups FROM 's3://{BUCKET}/groups/bad.parquet' {KEYS} FORMAT AS PARQUET")
    assert "bad.parquet" in str(failure.value) and '"id"' in str(failure.value)
    assert rows(con, "SELECT count(*) FROM groups") == [(20_000,)]


def test_prefix_manifest_and_credentials(con, s3, lake_server):
    for i in range(3):
        put(s3, f"many/part-{i:04d}.csv", f"{i},x{i}\n".encode())
    put(s3, "many/skipped.csv", b"99,no\n")
    con.execute("CREATE TABLE many (id INT, v VARCHAR(5))")
    con.execute(f"COPY many FROM 's3://{BUCKET}/many/part-' CREDENTIALS 'aws_access_key_id=AK;aws_secret_access_key=SK' CSV")
    assert rows(con, "SELECT count(*), sum(id) FROM many") == [(3, 3)]
    con.execute(f"COPY many FROM 's3://{BUCKET}/many/part-0001' IAM_ROLE 'arn:aws:iam::123456789012:role/load' CSV REGION 'us-east-1'")
    manifest = {"entries": [
        {"url": f"s3://{BUCKET}/many/part-0002.csv", "mandatory": True},
        {"url": f"s3://{BUCKET}/many/skipped.csv", "mandatory": True},
        {"url": f"s3://{BUCKET}/many/absent.csv", "mandatory": False},
    ]}
    put(s3, "many/load.manifest", json.dumps(manifest).encode())
    con.execute(f"COPY many FROM 's3://{BUCKET}/many/load.manifest' {KEYS} CSV MANIFEST")
    assert rows(con, "SELECT count(*), sum(id) FROM many") == [(6, 3 + 1 + 2 + 99)]
    manifest["entries"][2]["mandatory"] = True
    put(s3, "many/strict.manifest", json.dumps(manifest).encode())
    with pytest.raises(psycopg.Error) as e:
        con.execute(f"COPY many FROM 's3://{BUCKET}/many/strict.manifest' {KEYS} CSV MANIFEST")
    assert e.value.sqlstate == "58P01" and "absent.csv" in str(e.value)
    assert rows(con, "SELECT count(*) FROM many") == [(6,)]
    # Authorization is required for S3, as on Redshift.
    with pytest.raises(psycopg.Error) as e:
        con.execute(f"COPY many FROM 's3://{BUCKET}/many/part-' CSV")
    assert e.value.sqlstate == "28000"


def test_maxerror_and_stl_load_errors(con, s3):
    put(s3, "errors/a.csv", b"1,fine\n")
    put(s3, "errors/b.csv", b"2,fine\nnot-a-number,bad\n3,also fine\n4\n")
    con.execute("CREATE TABLE errs (id INT, v VARCHAR(10))")
    with pytest.raises(psycopg.Error) as e:
        con.execute(f"COPY errs FROM 's3://{BUCKET}/errors/' {KEYS} CSV")
    message = str(e.value)
    assert e.value.sqlstate == "22P02" and "errors/b.csv" in message and "line 2" in message
    assert rows(con, "SELECT count(*) FROM errs") == [(0,)], "a failed COPY keeps nothing, even of the good file"
    cur = con.execute(f"COPY errs FROM 's3://{BUCKET}/errors/' {KEYS} CSV MAXERROR 5")
    assert cur.rowcount == 3
    logged = rows(con, "SELECT filename, line_number, colname, raw_field_value, err_code, raw_line FROM stl_load_errors "
                       "WHERE query = (SELECT max(query) FROM stl_load_errors) ORDER BY line_number")
    assert logged == [
        (f"s3://{BUCKET}/errors/b.csv", 2, "id", "not-a-number", 1207, "not-a-number,bad"),
        (f"s3://{BUCKET}/errors/b.csv", 4, "", "", 1214, "4"),
    ]


def test_missing_bucket_and_objects(con, s3):
    con.execute("CREATE TABLE missing (id INT)")
    for source, state in [(f"s3://no-such-bucket/x", "58P01"), (f"s3://{BUCKET}/no/such/prefix", "58P01")]:
        with pytest.raises(psycopg.Error) as e:
            con.execute(f"COPY missing FROM '{source}' {KEYS}")
        assert e.value.sqlstate == state, (source, str(e.value))


def objects(s3, prefix):
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


@pytest.fixture
def source(con):
    con.execute("DROP TABLE IF EXISTS src")
    con.execute("CREATE TABLE src (id INT, name VARCHAR(10), price DECIMAL(6,2), day DATE)")
    con.execute("INSERT INTO src VALUES (1, 'a', 1.50, '2024-01-01'), (2, NULL, NULL, NULL), (3, 'c|d', 3.00, '2024-03-03')")
    return con


def test_unload_parquet_read_by_pyarrow(source, s3):
    source.execute(f"UNLOAD ('SELECT * FROM src') TO 's3://{BUCKET}/out/pq_' {KEYS} FORMAT PARQUET")
    files = objects(s3, "out/pq_")
    assert files and all(k.endswith(".parquet") and "_part_" in k for k in files)
    table = pa.concat_tables([pq.read_table(io.BytesIO(data)) for data in files.values()]).sort_by("id")
    assert table.column_names == ["id", "name", "price", "day"]
    assert table.column("id").to_pylist() == [1, 2, 3]
    assert table.column("name").to_pylist() == ["a", None, "c|d"]
    assert str(table.column("price").to_pylist()[0]) == "1.50"
    assert str(table.column("day").to_pylist()[2]) == "2024-03-03"


def test_unload_csv_text_json_and_manifest(source, s3):
    import pyarrow.csv as pcsv
    source.execute(f"UNLOAD ('SELECT id, name, price FROM src ORDER BY id') TO 's3://{BUCKET}/out/csv_' {KEYS} "
                   "FORMAT AS CSV HEADER PARALLEL OFF")
    files = objects(s3, "out/csv_")
    assert list(files) == ["out/csv_000"]
    table = pcsv.read_csv(io.BytesIO(files["out/csv_000"]), convert_options=pcsv.ConvertOptions(strings_can_be_null=True))
    assert table.column_names == ["id", "name", "price"] and table.column("name").to_pylist() == ["a", None, "c|d"]

    source.execute(f"UNLOAD ('SELECT id, name FROM src') TO 's3://{BUCKET}/out/txt_' {KEYS} ESCAPE GZIP MANIFEST")
    files = objects(s3, "out/txt_")
    manifest = json.loads(files.pop("out/txt_manifest"))
    urls = [e["url"] for e in manifest["entries"]]
    assert sorted(urls) == sorted(f"s3://{BUCKET}/{k}" for k in files) and all(k.endswith(".gz") for k in files)
    lines = sorted(line for data in files.values() for line in gzip.decompress(data).decode().splitlines())
    assert lines == ["1|a", "2|", "3|c\\|d"]
    source.execute("CREATE TABLE back_txt (id INT, name VARCHAR(10))")
    cur = source.execute(f"COPY back_txt FROM 's3://{BUCKET}/out/txt_manifest' {KEYS} MANIFEST ESCAPE GZIP")
    assert cur.rowcount == 3
    assert sorted(rows(source, "SELECT id, name FROM back_txt"), key=str) == sorted([(1, "a"), (2, ""), (3, "c|d")], key=str)

    source.execute(f"UNLOAD ('SELECT id, name, price FROM src') TO 's3://{BUCKET}/out/json_' {KEYS} FORMAT JSON PARALLEL OFF")
    values = [json.loads(line) for data in objects(s3, "out/json_").values() for line in data.decode().splitlines()]
    assert sorted(values, key=lambda v: v["id"]) == [{"id": 1, "name": "a", "price": 1.5}, {"id": 2}, {"id": 3, "name": "c|d", "price": 3.0}]

    with pytest.raises(psycopg.Error) as e:
        source.execute(f"UNLOAD ('SELECT 1') TO 's3://{BUCKET}/out/csv_' {KEYS} CSV")
    assert e.value.sqlstate == "58P02"
    source.execute(f"UNLOAD ('SELECT 1') TO 's3://{BUCKET}/out/csv_' {KEYS} CSV PARALLEL OFF ALLOWOVERWRITE")
    assert objects(s3, "out/csv_")["out/csv_000"] == b"1\n"


def test_unload_partitions_read_as_a_hive_dataset(source, s3, tmp_path):
    import pyarrow.dataset as ds
    source.execute(f"UNLOAD ('SELECT id, name, day FROM src') TO 's3://{BUCKET}/out/parts/' {KEYS} "
                   "FORMAT PARQUET PARTITION BY (day)")
    files = objects(s3, "out/parts/")
    assert {k.split("/")[2] for k in files} == {"day=2024-01-01", "day=2024-03-03", "day=__HIVE_DEFAULT_PARTITION__"}
    for key, data in files.items():
        path = tmp_path / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    dataset = ds.dataset(tmp_path / "out" / "parts", format="parquet", partitioning="hive")
    table = dataset.to_table().sort_by("id")
    assert table.column("id").to_pylist() == [1, 2, 3]
    # pyarrow reads Hive's default partition as NULL.
    assert [None if d is None else str(d) for d in table.column("day").to_pylist()] == ["2024-01-01", None, "2024-03-03"]


def test_external_table_over_partitioned_parquet(con, s3, tmp_path):
    import pyarrow.dataset as ds
    sales = pa.table({
        "salesid": pa.array(range(1, 10), pa.int64()),
        "listid": pa.array([10, 11, 12] * 3, pa.int32()),
        "pricepaid": pa.array([__import__("decimal").Decimal(f"{i}.25") for i in range(1, 10)], pa.decimal128(8, 2)),
        "region": ["east", "west", "north"] * 3,
    })
    ds.write_dataset(sales, tmp_path / "sales", format="parquet", partitioning=["region"], partitioning_flavor="hive")
    for path in (tmp_path / "sales").rglob("*.parquet"):
        put(s3, f"spectrum/sales/{path.relative_to(tmp_path / 'sales')}", path.read_bytes())
    put(s3, "spectrum/sales/region=east/_SUCCESS", b"")
    con.execute("CREATE EXTERNAL SCHEMA lake FROM DATA CATALOG DATABASE 'lakedb' "
                "IAM_ROLE 'arn:aws:iam::123456789012:role/spectrum' CREATE EXTERNAL DATABASE IF NOT EXISTS")
    cur = con.execute(f"CREATE EXTERNAL TABLE lake.sales (salesid BIGINT, listid INT, pricepaid DECIMAL(8,2)) "
                      f"PARTITIONED BY (region VARCHAR(10)) STORED AS PARQUET LOCATION 's3://{BUCKET}/spectrum/sales/'")
    assert cur.statusmessage == "CREATE EXTERNAL TABLE"
    for region in ["east", "west", "north"]:
        con.execute(f"ALTER TABLE lake.sales ADD PARTITION (region='{region}') "
                    f"LOCATION 's3://{BUCKET}/spectrum/sales/region={region}/'")
    assert rows(con, "SELECT count(*), sum(pricepaid) FROM lake.sales") == [(9, __import__("decimal").Decimal("47.25"))]
    assert rows(con, "SELECT salesid FROM lake.sales WHERE region = 'west' ORDER BY salesid") == [(2,), (5,), (8,)]
    plan = "\n".join(r[-1] for r in rows(con, "EXPLAIN SELECT salesid FROM lake.sales WHERE region = 'west'"))
    assert "ExternalScanExec: table=lake.sales, format=parquet, partitions=1 of 3, files=1" in plan, plan
    con.execute("CREATE TABLE sellers (listid INT, seller VARCHAR(10)) DISTKEY(listid)")
    con.execute("INSERT INTO sellers VALUES (10, 'ann'), (11, 'bob'), (12, 'cid')")
    assert rows(con, "SELECT s.seller, count(*) FROM lake.sales x JOIN sellers s ON s.listid = x.listid "
                     "WHERE x.region IN ('east', 'north') GROUP BY s.seller ORDER BY s.seller") == [("ann", 3), ("cid", 3)]
    assert rows(con, "SELECT count(*) FROM svv_external_partitions WHERE tablename = 'sales'") == [(3,)]
    # A partition whose folder is empty has no rows; a bucket that does not exist is an error.
    con.execute(f"ALTER TABLE lake.sales ADD PARTITION (region='south') LOCATION 's3://{BUCKET}/spectrum/sales/region=south/'")
    assert rows(con, "SELECT count(*) FROM lake.sales WHERE region = 'south'") == [(0,)]
    con.execute("CREATE EXTERNAL TABLE lake.gone (a INT) STORED AS PARQUET LOCATION 's3://no-such-bucket/x/'")
    with pytest.raises(psycopg.Error) as e:
        con.execute("SELECT * FROM lake.gone")
    assert e.value.sqlstate == "58P01", str(e.value)


def test_wrong_credentials_are_refused():
    """A moto server that checks credentials (after the set-up requests): a key it never issued is
    refused with 28000 and nothing is loaded; the key it issued, with a policy, loads."""
    with moto_server(checked_after=4) as url:
        setup = {"endpoint_url": url, "aws_access_key_id": "setup", "aws_secret_access_key": "setup", "region_name": "us-east-1"}
        iam = boto3.client("iam", **setup)
        iam.create_user(UserName="loader")
        key = iam.create_access_key(UserName="loader")["AccessKey"]
        iam.put_user_policy(UserName="loader", PolicyName="s3", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        boto3.client("s3", **setup).create_bucket(Bucket="guarded")
        s3 = boto3.client("s3", endpoint_url=url, aws_access_key_id=key["AccessKeyId"],
                          aws_secret_access_key=key["SecretAccessKey"], region_name="us-east-1")
        s3.put_object(Bucket="guarded", Key="rows.csv", Body=b"1\n2\n")
        server = Server("--s3-endpoint", url)
        try:
            with psycopg.connect(server.dsn(), autocommit=True) as con:
                con.execute("CREATE TABLE guarded (id INT)")
                with pytest.raises(psycopg.Error) as e:
                    con.execute("COPY guarded FROM 's3://guarded/rows.csv' ACCESS_KEY_ID 'AKIANEVERISSUED' SECRET_ACCESS_KEY 'x' CSV")
                assert e.value.sqlstate == "28000", str(e.value)
                assert rows(con, "SELECT count(*) FROM guarded") == [(0,)]
                con.execute(f"COPY guarded FROM 's3://guarded/rows.csv' ACCESS_KEY_ID '{key['AccessKeyId']}' "
                            f"SECRET_ACCESS_KEY '{key['SecretAccessKey']}' CSV")
                assert rows(con, "SELECT count(*) FROM guarded") == [(2,)]
        finally:
            server.stop()


def test_copy_and_unload_need_privileges(con, lake_server, s3):
    """COPY needs INSERT on its table, UNLOAD SELECT on what its query reads; the refusal (42501)
    writes nothing to the table or to the bucket."""
    put(s3, "priv/rows.csv", CSV)
    con.execute("CREATE TABLE priv_t (id INT, name VARCHAR(10), price DECIMAL(6,2))")
    con.execute("CREATE USER loader PASSWORD 'Loader-pw-1'")
    with psycopg.connect(lake_server.dsn(user="loader", password="Loader-pw-1"), autocommit=True) as loader:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            loader.execute(f"COPY priv_t FROM 's3://{BUCKET}/priv/rows.csv' {KEYS} CSV")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            loader.execute(f"UNLOAD ('SELECT * FROM priv_t') TO 's3://{BUCKET}/priv/out/' {KEYS}")
        con.execute("GRANT INSERT ON priv_t TO loader")
        assert loader.execute(f"COPY priv_t FROM 's3://{BUCKET}/priv/rows.csv' {KEYS} CSV").rowcount == 3
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            loader.execute(f"UNLOAD ('SELECT * FROM priv_t') TO 's3://{BUCKET}/priv/out/' {KEYS}")
        con.execute("GRANT SELECT ON priv_t TO loader")
        loader.execute(f"UNLOAD ('SELECT * FROM priv_t') TO 's3://{BUCKET}/priv/out/' {KEYS}")
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="priv/out/").get("Contents", [])
    assert listed and rows(con, "SELECT count(*) FROM priv_t") == [(3,)]
