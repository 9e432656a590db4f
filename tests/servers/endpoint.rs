//! The SQL endpoint under a real PostgreSQL client (tokio-postgres) and raw sockets: SQLSTATEs of
//! failed logins, the extended protocol (parameter types, binary values, portals with a row
//! limit), and sessions that misbehave or vanish without harming the server.

use redwood_core::endpoint::{Endpoint, EndpointConfig};
use redwood_core::{Database, MEMORY};
use redwood_tests::{connect, ADMIN_PASSWORD, ADMIN_USER};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn start() -> SocketAddr {
    let db = Database::open(MEMORY, Default::default()).unwrap();
    redwood_core::leader::users::bootstrap_admin(&mut db.connect(), ADMIN_USER, ADMIN_PASSWORD).unwrap();
    let endpoint = Endpoint::bind(db, EndpointConfig::new("127.0.0.1:0".parse().unwrap())).await.unwrap();
    let addr = endpoint.local_addr();
    tokio::spawn(endpoint.run());
    addr
}

async fn login_error(addr: SocketAddr, user: &str, password: &str, dbname: &str) -> String {
    let config = format!("host={} port={} user={user} password={password} dbname={dbname}", addr.ip(), addr.port());
    let error = tokio_postgres::connect(&config, tokio_postgres::NoTls).await.err().expect("login must fail");
    error.as_db_error().expect("a server error").code().code().to_string()
}

#[tokio::test]
async fn failed_logins_carry_their_sqlstate() {
    let addr = start().await;
    assert_eq!(login_error(addr, ADMIN_USER, "Wrong-password-1", "dev").await, "28P01");
    assert_eq!(login_error(addr, "nobody", ADMIN_PASSWORD, "dev").await, "28000");
    assert_eq!(login_error(addr, ADMIN_USER, ADMIN_PASSWORD, "other").await, "3D000");
    let client = connect(addr).await.unwrap();
    assert_eq!(
        client.query_one("SELECT 1", &[]).await.unwrap().get::<_, i32>(0),
        1,
        "SELECT 1 is an INTEGER column, as in PostgreSQL"
    );
}

#[tokio::test]
async fn extended_protocol_describes_binds_and_limits_rows() {
    let addr = start().await;
    let mut client = connect(addr).await.unwrap();
    client.batch_execute("CREATE TABLE t (a INT, b VARCHAR(10), c DOUBLE PRECISION) DISTKEY(a)").await.unwrap();

    let insert = client.prepare("INSERT INTO t VALUES ($1, $2, $3)").await.unwrap();
    let types: Vec<String> = insert.params().iter().map(|t| t.name().to_string()).collect();
    assert_eq!(types, ["int4", "varchar", "float8"]);
    for i in 0..1000i32 {
        let c = (i % 2 == 0).then_some(i as f64 / 4.0);
        client.execute(&insert, &[&i, &format!("v{i}"), &c]).await.unwrap();
    }

    let select = client.prepare("SELECT b FROM t WHERE a = $1").await.unwrap();
    assert_eq!(select.params()[0].name(), "int4");
    assert_eq!(select.columns()[0].type_().name(), "varchar");
    let row = client.query_one(&select, &[&42i32]).await.unwrap();
    assert_eq!(row.get::<_, String>(0), "v42");
    let sums = client.query_one("SELECT sum(c), count(c), count(*) FROM t", &[]).await.unwrap();
    assert_eq!((sums.get::<_, f64>(0), sums.get::<_, i64>(1), sums.get::<_, i64>(2)), (62375.0, 500, 1000));

    // Execute with a row limit: the portal is suspended and resumed, as JDBC's fetch size does.
    let txn = client.transaction().await.unwrap();
    let portal = txn.bind("SELECT a FROM t", &[]).await.unwrap();
    let (mut total, mut fetches) = (0, 0);
    loop {
        let rows = txn.query_portal(&portal, 128).await.unwrap();
        total += rows.len();
        fetches += 1;
        if rows.len() < 128 {
            break;
        }
    }
    assert_eq!((total, fetches), (1000, 8));
    txn.commit().await.unwrap();
}

#[tokio::test]
async fn a_vanished_client_rolls_back_and_the_server_carries_on() {
    let addr = start().await;
    let client = connect(addr).await.unwrap();
    client.batch_execute("CREATE TABLE kept (x INT)").await.unwrap();
    client.batch_execute("BEGIN; INSERT INTO kept VALUES (1)").await.unwrap();
    drop(client);

    // Garbage, an oversized message and a truncated one, each on its own connection.
    for bytes in [
        b"not a postgres startup packet at all".to_vec(),
        [&0x7fff_ffffu32.to_be_bytes()[..], &196608u32.to_be_bytes()[..]].concat(),
        [&100u32.to_be_bytes()[..], &196608u32.to_be_bytes()[..], b"user\0ad"].concat(),
    ] {
        let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
        let _ = socket.write_all(&bytes).await;
        let _ = socket.shutdown().await;
        let mut sink = vec![];
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), socket.read_to_end(&mut sink)).await;
    }

    let client = connect(addr).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let count: i64 = client.query_one("SELECT count(*) FROM kept", &[]).await.unwrap().get(0);
    assert_eq!(count, 0, "the unfinished transaction of the vanished client is rolled back");
}
