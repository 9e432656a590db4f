//! The client API (`redwood_core::client`) embedded and remote on the same database: the same
//! queries give identical Arrow batches (types, names, values, NULLs), parameters bind the same,
//! errors carry the same SQLSTATEs, cancel stops a running query, and metadata lists the same.

use redwood_core::arrow::array::RecordBatch;
use redwood_core::arrow::compute::concat_batches;
use redwood_core::client::{Connection, Filter, Name, Options, QueryResult, Value};
use redwood_core::endpoint::{Endpoint, EndpointConfig};
use redwood_core::{Database, MEMORY};
use redwood_tests::{ADMIN_PASSWORD, ADMIN_USER};
use std::time::{Duration, Instant};

/// A database with a table of every type, served by an endpoint: an embedded and a remote
/// connection to it.
async fn both() -> (Connection, Connection) {
    let db = Database::open(MEMORY, Default::default()).unwrap();
    redwood_core::leader::users::bootstrap_admin(&mut db.connect(), ADMIN_USER, ADMIN_PASSWORD).unwrap();
    let endpoint = Endpoint::bind(db.clone(), EndpointConfig::new("127.0.0.1:0".parse().unwrap())).await.unwrap();
    let addr = endpoint.local_addr();
    tokio::spawn(endpoint.run());
    let mut embedded = Connection::from_database(&db);
    let url = format!("redwood://{ADMIN_USER}:{ADMIN_PASSWORD}@{}:{}/dev", addr.ip(), addr.port());
    let remote =
        tokio::task::spawn_blocking(move || Connection::open(&url, Options::default())).await.unwrap().unwrap();
    for sql in [
        "CREATE TABLE client_types (id INT, small SMALLINT, big BIGINT, amount DECIMAL(12,2), ratio REAL, \
         score DOUBLE PRECISION, name VARCHAR(20), code CHAR(3), flag BOOLEAN, day DATE, created TIMESTAMP, \
         stamped TIMESTAMPTZ) DISTKEY(id)",
        "INSERT INTO client_types VALUES \
         (1, 1, 10000000000, 12.50, 0.5, 2.25, 'ann', 'abc', true, '2024-02-29', '2024-01-01 12:34:56.789', '2024-01-01 12:00:00+02'), \
         (2, -2, -1, -0.01, -1.5, 1e10, 'bob ☃', 'x', false, '1970-01-01', '1999-12-31 23:59:59', '2000-01-01 00:00:00+00'), \
         (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    ] {
        embedded.execute(sql).unwrap();
    }
    (embedded, remote)
}

fn rows(connection: &mut Connection, sql: &str) -> RecordBatch {
    let (schema, batches) = connection.execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}")).collect().unwrap();
    concat_batches(&schema, &batches).unwrap()
}

fn sqlstate(result: redwood_core::Result<QueryResult>) -> String {
    match result.and_then(|r| r.collect().map(|_| ())) {
        Ok(()) => "no error".to_string(),
        Err(e) => e.sqlstate.to_string(),
    }
}

/// The client calls block: the test runs them off the runtime that serves the endpoint.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_and_remote_return_identical_batches() {
    let (mut embedded, mut remote) = both().await;
    blocking(move || {
        for sql in [
            "SELECT * FROM client_types ORDER BY id",
            "SELECT id, amount * 2 AS doubled, name || '!' AS shout, upper(code) AS code FROM client_types ORDER BY id",
            "SELECT count(*), sum(amount), avg(score), min(created), max(day), max(stamped) FROM client_types",
            "SELECT 1::smallint AS a, 2 AS b, 3::bigint AS c, 12.345::numeric(10,3) AS d, NULL::int AS e, 'x' AS f",
            "SELECT interval '1 day 2 hours' AS i, timestamp '2020-01-02' - timestamp '2020-01-01' AS d",
            "SELECT value, value * 0.5 AS half FROM generate_series(1, 20000) ORDER BY value",
            "SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision \
             FROM information_schema.columns WHERE table_name = 'client_types' ORDER BY ordinal_position",
            "SELECT id FROM client_types WHERE id > 100",
        ] {
            let (a, b) = (rows(&mut embedded, sql), rows(&mut remote, sql));
            assert_eq!(a.schema(), b.schema(), "{sql}");
            assert_eq!(a, b, "{sql}");
        }
        let (schema, _) = embedded.execute("SELECT name, code, amount FROM client_types").unwrap().collect().unwrap();
        let types: Vec<String> = schema
            .fields()
            .iter()
            .map(|f| format!("{} {:?}", f.data_type(), f.metadata().get("redwood.type")))
            .collect();
        assert_eq!(
            types,
            ["Utf8 Some(\"character varying(20)\")", "Utf8 Some(\"character(3)\")", "Decimal128(12, 2) None"]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_parameters_errors_and_metadata_behave_alike() {
    let (mut embedded, mut remote) = both().await;
    blocking(move || {
        for (mode, c) in [("embedded", &mut embedded), ("remote", &mut remote)] {
            let table = format!("params_{mode}");
            let QueryResult::Command { tag, .. } = c.execute(&format!("CREATE TABLE {table} (a INT, b VARCHAR(10), c DECIMAL(8,3), d DATE, e TIMESTAMP, f BOOLEAN, g DOUBLE PRECISION)")).unwrap() else {
                panic!("{mode}: CREATE TABLE is a command")
            };
            assert_eq!(tag, "CREATE TABLE", "{mode}");
            let insert = c.prepare(&format!("INSERT INTO {table} VALUES ($1, $2, $3, $4, $5, $6, $7)")).unwrap();
            assert_eq!(insert.param_count, 7);
            let values = [
                Value::Int64(7),
                Value::Text("it's".into()),
                Value::Decimal("-12.345".into()),
                Value::Date(19_782),
                Value::Timestamp(1_709_210_096_500_000),
                Value::Bool(true),
                Value::Double(0.1),
            ];
            let QueryResult::Command { tag, rows: inserted } = c.execute_prepared(&insert, &values).unwrap() else { panic!() };
            assert_eq!((tag.as_str(), inserted), ("INSERT 0 1", Some(1)), "{mode}");
            let nulls = vec![Value::Null; 7];
            c.execute_prepared(&insert, &nulls).unwrap();
            let got = rows(c, &format!("SELECT a::text || '|' || b || '|' || c::text || '|' || d::text || '|' || e::text || '|' || f::text || '|' || g::text FROM {table} WHERE a = 7"));
            let text = redwood_core::sql::format::column_to_text(got.column(0), &"UTC".parse().unwrap()).unwrap();
            assert_eq!(text, [Some("7|it's|-12.345|2024-02-29|2024-02-29 12:34:56.5|true|0.1".to_string())], "{mode}");
            let select = c.prepare(&format!("SELECT count(*) FROM {table} WHERE a IS NULL AND b IS NULL")).unwrap();
            assert!(select.columns.is_some(), "{mode}");
            let (_, batches) = c.execute_prepared(&select, &[]).unwrap().collect().unwrap();
            assert_eq!(redwood_core::arrow::array::AsArray::as_primitive::<redwood_core::arrow::datatypes::Int64Type>(batches[0].column(0)).value(0), 1);

            // Bad input: SQLSTATEs, and the connection goes on working.
            assert_eq!(c.execute_prepared(&insert, &[Value::Int64(1)]).err().unwrap().sqlstate, "08P01", "{mode}");
            assert_eq!(c.execute_prepared(&insert, &[Value::Decimal("1.x".into()), Value::Null, Value::Null, Value::Null, Value::Null, Value::Null, Value::Null]).err().unwrap().sqlstate, "22P02", "{mode}");
            assert_eq!(sqlstate(c.execute("SELECT * FROM no_such_table")), "42P01", "{mode}");
            assert_eq!(sqlstate(c.execute("SELECT 1 / (id - id) FROM client_types")), "22012", "{mode}");
            assert_eq!(sqlstate(c.execute("SELEC 1")), "42601", "{mode}");
            assert_eq!(rows(c, "SELECT 40 + 2 AS x").num_rows(), 1, "{mode}");

            // Several statements: the last one's result.
            let last = rows(c, "CREATE TABLE multi_{mode} (a INT); INSERT INTO multi_{mode} VALUES (1), (2); SELECT count(*) FROM multi_{mode}".replace("{mode}", mode).as_str());
            assert_eq!(last.num_rows(), 1, "{mode}");

            // Metadata is the same SQL in both modes.
            let filter = Filter { schema: Name::Equal("public".into()), table: Name::Like("client%".into()), ..Filter::default() };
            let (_, listed) = c.tables(&filter).unwrap().collect().unwrap();
            assert_eq!(listed.iter().map(|b| b.num_rows()).sum::<usize>(), 1, "{mode}");
            let filter = Filter { table: Name::Equal("client_types".into()), ..Filter::default() };
            let (_, columns) = c.columns(&filter).unwrap().collect().unwrap();
            assert_eq!(columns.iter().map(|b| b.num_rows()).sum::<usize>(), 12, "{mode}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_a_running_query_in_both_modes() {
    let (embedded, remote) = both().await;
    blocking(move || {
        for (mode, mut c) in [("embedded", embedded), ("remote", remote)] {
            let cancel = c.cancel_handle();
            let canceller = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                cancel.cancel().unwrap();
            });
            let started = Instant::now();
            // A query that yields between batches, so that a cancel also stops its work (a nested-loop
            // join of a large build side runs on in DataFusion until a probe batch is done).
            let slow = "SELECT sum(value) FROM generate_series(1, 20000000000)";
            assert_eq!(sqlstate(c.execute(slow)), "57014", "{mode}");
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{mode}: cancelled only after {:?}",
                started.elapsed()
            );
            canceller.join().unwrap();
            assert_eq!(rows(&mut c, "SELECT 1 AS one").num_rows(), 1, "{mode}: the connection works after a cancel");
        }
    })
    .await;
}

#[test]
fn bad_targets_are_refused_clearly() {
    let error = Connection::open("mysql://h/db", Options::default()).err().unwrap();
    assert!(error.message.contains("unknown URL scheme"), "{}", error.message);
    let error = Connection::open("redwood://admin:pw@127.0.0.1:1/dev", Options::default()).err().unwrap();
    assert_eq!(error.sqlstate, "08001", "{}", error.message);
}

#[test]
fn a_server_that_goes_away_mid_result_fails_the_next_call() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut server = std::process::Command::new(redwood_tests::redwood_binary())
        .args(["serve", "--port", "0", "--admin-user", ADMIN_USER, "--admin-password", ADMIN_PASSWORD, "--data"])
        .arg(dir.path().join("db"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line.trim().rsplit(' ').next().unwrap().to_string();
    let mut remote =
        Connection::open(&format!("redwood://{ADMIN_USER}:{ADMIN_PASSWORD}@{address}/dev"), Options::default())
            .unwrap();
    let QueryResult::Rows(mut rows) = remote.execute("SELECT value FROM generate_series(1, 5000000)").unwrap() else {
        panic!("rows")
    };
    assert!(rows.next_batch().unwrap().is_some());
    server.kill().unwrap();
    server.wait().unwrap();
    // Rows already in the socket's buffers may still arrive; then the loss shows.
    let error = loop {
        match rows.next_batch() {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("5 000 000 rows cannot all have arrived before the server died"),
            Err(e) => break e,
        }
    };
    assert!(error.sqlstate.starts_with("08"), "{} {}", error.sqlstate, error.message);
    assert_eq!(remote.execute("SELECT 1").err().expect("the server is gone").sqlstate, "08006");
}

/// sslmode as libpq reads it: `verify-full` with the server's CA works by IP and by name, a CA that
/// did not sign the certificate is refused, `verify-ca` ignores the name, `require` encrypts
/// without checking, and a server that requires TLS refuses `disable`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_modes_check_the_certificate_as_libpq_does() {
    let dir = tempfile::tempdir().unwrap();
    let ca = redwood_tests::TestCa::create(&dir.path().join("ca"));
    let other_ca = redwood_tests::TestCa::create(&dir.path().join("other"));
    let db = Database::open(MEMORY, Default::default()).unwrap();
    redwood_core::leader::users::bootstrap_admin(&mut db.connect(), ADMIN_USER, ADMIN_PASSWORD).unwrap();
    // On every address, so that 127.0.0.2 reaches it under a name the certificate does not have.
    let mut config = EndpointConfig::new("0.0.0.0:0".parse().unwrap());
    (config.tls_cert, config.tls_key, config.require_ssl) = (Some(ca.cert.clone()), Some(ca.key.clone()), true);
    let endpoint = Endpoint::bind(db.clone(), config).await.unwrap();
    let port = endpoint.local_addr().port();
    tokio::spawn(endpoint.run());
    let (ca_file, other_file) = (ca.ca.display().to_string(), other_ca.ca.display().to_string());
    blocking(move || {
        let open = |host: &str, query: &str| {
            Connection::open(
                &format!("redwood://{ADMIN_USER}:{ADMIN_PASSWORD}@{host}:{port}/dev?{query}"),
                Options::default(),
            )
        };
        for (host, query) in [
            ("127.0.0.1", format!("sslmode=verify-full&sslrootcert={ca_file}")),
            ("localhost", format!("sslmode=verify-full&sslrootcert={ca_file}")),
            ("127.0.0.2", format!("sslmode=verify-ca&sslrootcert={ca_file}")),
            ("127.0.0.1", "sslmode=require".to_string()),
            ("127.0.0.1", "sslmode=prefer".to_string()),
            ("127.0.0.1", String::new()),
        ] {
            let mut connection = open(host, &query).unwrap_or_else(|e| panic!("{host}?{query}: {e}"));
            assert_eq!(rows(&mut connection, "SELECT 1 AS one").num_rows(), 1, "{host}?{query}");
        }
        for (host, query) in [
            ("127.0.0.1", format!("sslmode=verify-full&sslrootcert={other_file}")),
            ("127.0.0.1", format!("sslmode=require&sslrootcert={other_file}")),
            ("127.0.0.2", format!("sslmode=verify-full&sslrootcert={ca_file}")),
        ] {
            let error = open(host, &query).err().expect("a certificate the CA did not sign, or for another name");
            assert_eq!(error.sqlstate, "08001", "{host}?{query}: {}", error.message);
            assert!(error.message.contains("certificate"), "{host}?{query}: {}", error.message);
        }
        let error = open("127.0.0.1", "sslmode=disable").err().expect("the server requires TLS");
        assert_eq!(error.sqlstate, "28000", "{}", error.message);
        let error = open("127.0.0.1", "sslmode=sometimes").err().unwrap();
        assert_eq!(error.sqlstate, "22023", "{}", error.message);
        let error = open("127.0.0.1", "sslmode=verify-ca&sslrootcert=/no/such/ca.pem").err().unwrap();
        assert!(error.message.contains("/no/such/ca.pem"), "{}", error.message);
    })
    .await;
}

/// External schemas, tables and partitions are kept in the catalog: a reopened database reads
/// the same files.
#[test]
fn external_tables_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    let url = path.to_str().unwrap().to_string();
    let sales = concat!(env!("CARGO_MANIFEST_DIR"), "/data/lake/spectrum/sales");
    {
        let mut connection = Connection::open(&url, Options::default()).unwrap();
        for sql in [
            "CREATE EXTERNAL SCHEMA lake FROM DATA CATALOG DATABASE 'lakedb' IAM_ROLE 'arn:aws:iam::1:role/r' REGION 'us-east-1'".to_string(),
            format!(
                "CREATE EXTERNAL TABLE lake.sales (salesid BIGINT, pricepaid DECIMAL(8,2)) PARTITIONED BY (saledate CHAR(7)) \
                 STORED AS PARQUET LOCATION '{sales}/' TABLE PROPERTIES ('numRows'='6')"
            ),
            format!("ALTER TABLE lake.sales ADD PARTITION (saledate='2008-02') LOCATION '{sales}/saledate=2008-02/'"),
        ] {
            connection.execute(&sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }
    let mut connection = Connection::open(&url, Options::default()).unwrap();
    let batch = rows(
        &mut connection,
        "SELECT s.databasename || ' ' || s.esoptions || ' ' || t.parameters || ' ' || p.\"values\" \
         FROM svv_external_schemas s JOIN svv_external_tables t ON t.schemaname = s.schemaname \
         JOIN svv_external_partitions p ON p.tablename = t.tablename",
    );
    let text = redwood_core::arrow::util::display::array_value_to_string(batch.column(0), 0).unwrap();
    assert_eq!(
        text,
        r#"lakedb {"IAM_ROLE":"arn:aws:iam::1:role/r","REGION":"us-east-1"} {"EXTERNAL":"TRUE","numrows":"6"} ["2008-02"]"#
    );
    let batch = rows(
        &mut connection,
        "SELECT CAST(count(*) AS VARCHAR) || ' ' || CAST(sum(pricepaid) AS VARCHAR) FROM lake.sales",
    );
    let text = redwood_core::arrow::util::display::array_value_to_string(batch.column(0), 0).unwrap();
    assert_eq!(text, "3 237.75");
}
