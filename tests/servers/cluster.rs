//! A leader with two `redwood compute` processes: joins on the distribution key move no rows,
//! other joins do (and EXPLAIN says so), a node lost mid-query fails that query cleanly and the
//! cluster works again once the node is back, a formed cluster starts with a node down and
//! reports it, and misconfigured nodes (or TLS on one side only) are refused at startup.

use redwood_core::{ClusterLayout, Config, Database, Outcome, Session};
use redwood_tests::{ComputeProcess, Mode, TestCa, TestDatabase, CLUSTER_SECRET};
use std::time::{Duration, Instant};

fn layout() -> Config {
    Config { layout: Some(ClusterLayout { nodes: 2, slices_per_node: 2 }), ..Config::default() }
}

async fn cluster(dir: &tempfile::TempDir) -> TestDatabase {
    let test = TestDatabase::open(dir.path().join("leader"), layout(), Mode::Cluster).await;
    std::sync::Arc::try_unwrap(test).ok().expect("no other handle")
}

/// The text of a one-column result, rows joined by newlines.
async fn text(session: &mut Session, sql: &str) -> String {
    let outcomes = session.execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let Some(Outcome::Rows { batches, .. }) = outcomes.into_iter().last() else { panic!("{sql}: no rows") };
    let mut lines = vec![];
    for batch in &batches {
        let column = batch.column(batch.num_columns() - 1);
        let zone = session.time_zone();
        for value in redwood_core::sql::format::column_to_text(column, &zone).unwrap() {
            lines.push(value.unwrap_or_default());
        }
    }
    lines.join("\n")
}

/// Rows that network steps (shuffles and broadcasts between nodes) delivered, from EXPLAIN ANALYZE.
async fn rows_moved_between_nodes(session: &mut Session, query: &str) -> u64 {
    let analyzed = text(session, &format!("EXPLAIN ANALYZE {query}")).await;
    analyzed
        .lines()
        .filter(|line| line.contains("NetworkShuffleExec") || line.contains("NetworkBroadcastExec"))
        .map(|line| {
            // "output_rows=1960" or, abbreviated, "output_rows=1.96 K"
            let rows = line.split("output_rows=").nth(1).expect("metrics with output_rows");
            let value = rows.split([',', ']']).next().unwrap().trim();
            let (number, scale) = match value.split_once(' ') {
                Some((n, "K")) => (n, 1e3),
                Some((n, "M")) => (n, 1e6),
                _ => (value, 1.0),
            };
            (number.parse::<f64>().unwrap_or_else(|_| panic!("rows in {line}")) * scale) as u64
        })
        .sum()
}

async fn setup_two_key_tables(session: &mut Session) {
    for sql in [
        "CREATE TABLE a (k INT, v INT) DISTKEY(k)",
        "CREATE TABLE b (k INT, w INT) DISTKEY(k)",
        "INSERT INTO a SELECT value, value * 2 FROM generate_series(1, 2000)",
        "INSERT INTO b SELECT value, value % 50 FROM generate_series(1, 2000)",
        "ANALYZE a",
        "ANALYZE b",
    ] {
        session.execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distkey_joins_move_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let test = cluster(&dir).await;
    let mut session = test.database().connect();
    setup_two_key_tables(&mut session).await;

    let co_located = "SELECT count(*), sum(a.v + b.w) FROM a JOIN b ON a.k = b.k";
    let plan = text(&mut session, &format!("EXPLAIN {co_located}")).await;
    assert!(plan.contains("HashJoinExec DS_DIST_NONE"), "{plan}");
    assert!(!plan.contains("NetworkShuffleExec") && !plan.contains("NetworkBroadcastExec"), "{plan}");
    assert_eq!(rows_moved_between_nodes(&mut session, co_located).await, 0);
    assert_eq!(text(&mut session, co_located).await, "4051000");
    // SVL_QUERY_SUMMARY counts the same: no rows in steps that move them between nodes.
    let moved = "SELECT coalesce(sum(rows), 0) FROM svl_query_summary WHERE query = pg_last_query_id() AND label IN ('dist', 'bcast')";
    assert_eq!(text(&mut session, moved).await, "0");

    // On a column that is not the distribution key, rows have to move.
    let other = "SELECT count(*) FROM a JOIN b ON a.k = b.w";
    let plan = text(&mut session, &format!("EXPLAIN {other}")).await;
    assert!(
        ["DS_DIST_INNER", "DS_DIST_OUTER", "DS_DIST_BOTH", "DS_BCAST_INNER"].iter().any(|l| plan.contains(l)),
        "{plan}"
    );
    assert!(rows_moved_between_nodes(&mut session, other).await > 0);
    assert_eq!(text(&mut session, other).await, "1960");
    assert_ne!(text(&mut session, moved).await, "0");

    // Functions over the leader's catalog run on the leader, on rows the nodes send it.
    let owner = "SELECT pg_get_userbyid(k + 99) FROM a WHERE k = 1";
    assert_eq!(text(&mut session, owner).await, redwood_core::catalog::DEFAULT_OWNER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_node_fails_the_query_and_the_cluster_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let mut test = cluster(&dir).await;
    let db = test.database();
    let mut session = db.connect();
    setup_two_key_tables(&mut session).await;

    // A query long enough (seconds of work on each node) to be running when node 1 dies.
    session.execute("CREATE TABLE c (k INT, v INT) DISTKEY(k)").await.unwrap();
    session.execute("INSERT INTO c SELECT value, value + 0 FROM generate_series(1, 100)").await.unwrap();
    let slow = "SELECT count(*) FROM a x CROSS JOIN a y CROSS JOIN c z WHERE x.v + y.v + z.v < 0";
    let running = tokio::spawn(async move { session.execute(slow).await.map(|_| ()) });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let killed_at = Instant::now();
    test.compute_nodes()[1].kill();
    let error = running.await.unwrap().expect_err("the query must fail when a node dies");
    assert!(killed_at.elapsed() < Duration::from_secs(5), "failed only after {:?}", killed_at.elapsed());
    assert!(
        error.sqlstate.starts_with("08") || error.sqlstate.starts_with("58"),
        "{} {}",
        error.sqlstate,
        error.message
    );

    // The leader and other sessions stay up; queries that need the lost node fail the same way.
    let mut other = db.connect();
    assert_eq!(text(&mut other, "SELECT 1").await, "1");
    let error = other.execute("SELECT count(*) FROM a").await.expect_err("node 1 is down");
    assert!(error.sqlstate.starts_with("08"), "{} {}", error.sqlstate, error.message);

    // A write that needs the lost node fails as a whole: node 0's share is not published either.
    let error = other
        .execute("INSERT INTO a SELECT value, 0 FROM generate_series(3001, 3100)")
        .await
        .expect_err("node 1 is down");
    assert!(error.sqlstate.starts_with("08"), "{} {}", error.sqlstate, error.message);

    // Back on its address, the node serves all committed data again.
    test.compute_nodes()[1].restart().expect("restart node 1");
    let mut again = db.connect();
    assert_eq!(text(&mut again, "SELECT count(*) FROM a JOIN b ON a.k = b.k").await, "2000");
    assert_eq!(text(&mut again, "SELECT count(*) FROM a").await, "2000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_down_at_startup_is_reported_and_used_once_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut test = cluster(&dir).await;
    let mut session = test.database().connect();
    setup_two_key_tables(&mut session).await;
    drop(session);

    test.compute_nodes()[1].kill();
    test.reopen().await.expect("a formed cluster starts without a node that is down");
    let mut session = test.database().connect();
    assert_eq!(text(&mut session, "SELECT status FROM stv_slices ORDER BY slice").await, "up\nup\ndown\ndown");
    assert_eq!(text(&mut session, "SELECT count(*) FROM stv_node_storage_capacity WHERE capacity IS NULL").await, "1");
    let error = session.execute("SELECT count(*) FROM a").await.expect_err("node 1 is down");
    assert!(error.sqlstate.starts_with("08"), "{} {}", error.sqlstate, error.message);
    assert_eq!(text(&mut session, "SELECT 40 + 2").await, "42");

    test.compute_nodes()[1].restart().expect("restart node 1");
    assert_eq!(text(&mut session, "SELECT status FROM stv_slices ORDER BY slice").await, "up\nup\nup\nup");
    assert_eq!(text(&mut session, "SELECT count(*) FROM a JOIN b ON a.k = b.k").await, "2000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misconfigured_nodes_are_refused_at_startup() {
    let dir = tempfile::tempdir().unwrap();
    let nodes: Vec<ComputeProcess> =
        (0..2).map(|i| ComputeProcess::start(dir.path().join(format!("node{i}")), 2).unwrap()).collect();
    let addresses: Vec<String> = nodes.iter().map(|n| n.address.clone()).collect();
    let open = |leader: &str, compute: Vec<String>, secret: &str| {
        let config = Config { compute, cluster_secret: secret.to_string(), ..Config::default() };
        Database::open(dir.path().join(leader).to_str().unwrap(), config)
    };

    let Err(error) = open("l1", addresses.clone(), "wrong-secret") else { panic!("a wrong secret is refused") };
    assert_eq!(error.sqlstate, "28000", "{}", error.message);
    assert!(error.message.contains("--cluster-secret"), "{}", error.message);
    let Err(error) = open("l1", vec!["127.0.0.1:1".into()], CLUSTER_SECRET) else { panic!("nothing listens there") };
    assert_eq!(error.sqlstate, "08001", "{}", error.message);

    let leader = open("l1", addresses.clone(), CLUSTER_SECRET).expect("the first leader adopts the nodes");
    drop(leader);
    // Nodes listed in another order, or adopted by another cluster, are refused; nothing is touched.
    let swapped = vec![addresses[1].clone(), addresses[0].clone()];
    let Err(error) = open("l1", swapped, CLUSTER_SECRET) else { panic!("nodes out of order") };
    assert!(error.message.contains("listed as node"), "{}", error.message);
    let Err(error) = open("l2", addresses.clone(), CLUSTER_SECRET) else { panic!("nodes of another cluster") };
    assert!(error.message.contains("belongs to another cluster"), "{}", error.message);
    // A node with another slice count than the catalog records.
    let third = ComputeProcess::start(dir.path().join("node-3-slices"), 3).unwrap();
    let Err(error) = open("l1", vec![addresses[0].clone(), third.address.clone()], CLUSTER_SECRET) else {
        panic!("slices differ")
    };
    assert!(error.message.contains("same number of slices"), "{}", error.message);
    let reopened = open("l1", addresses.clone(), CLUSTER_SECRET).expect("the right nodes in the right order");
    assert_eq!(reopened.layout(), ClusterLayout { nodes: 2, slices_per_node: 2 });
    drop(reopened);

    // An operator's CA on one side only: the leader cannot verify the node.
    let ca = std::sync::Arc::new(TestCa::create(&dir.path().join("tls")));
    let ca_node = ComputeProcess::start_on(dir.path().join("node-tls"), 2, "127.0.0.1:0", Some(ca.clone())).unwrap();
    let Err(error) = open("l3", vec![ca_node.address.clone()], CLUSTER_SECRET) else {
        panic!("keyed leader, node with a CA")
    };
    assert_eq!(error.sqlstate, "28000", "{}", error.message);
    let with_ca = |leader: &str, compute: Vec<String>| {
        let config = Config {
            compute,
            cluster_secret: CLUSTER_SECRET.to_string(),
            cluster_tls: ca.cluster_tls(),
            ..Config::default()
        };
        Database::open(dir.path().join(leader).to_str().unwrap(), config)
    };
    let Err(error) = with_ca("l4", addresses) else { panic!("leader with a CA, keyed nodes") };
    assert_eq!(error.sqlstate, "28000", "{}", error.message);
    with_ca("l5", vec![ca_node.address.clone()]).expect("both sides with the CA");
    // A plain HTTP/2 address is refused before anything is sent.
    let Err(error) = open("l6", vec![format!("http://{}", ca_node.address)], CLUSTER_SECRET) else { panic!("http") };
    assert_eq!(error.sqlstate, "22023", "{}", error.message);
}
