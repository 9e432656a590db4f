//! End-to-end checks of the engine through the `redwood` binary and the embedded API:
//! crash atomicity under SIGKILL, zone-map pruning, persistence and script exit codes.

use redwood_core::{Config, Database, Outcome};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const REDWOOD: &str = env!("CARGO_BIN_EXE_redwood");

fn redwood(dir: &Path, sql: &str) -> std::process::Output {
    Command::new(REDWOOD).arg(dir).arg("-c").arg(sql).output().expect("run redwood")
}

async fn query_i64(db: &Database, sql: &str) -> i64 {
    let mut session = db.connect();
    match session.execute_one(sql).await.expect(sql) {
        Outcome::Rows { batches, .. } => {
            let column = batches[0].column(0);
            redwood_core::arrow::compute::cast(column, &redwood_core::arrow::datatypes::DataType::Int64)
                .unwrap()
                .as_any()
                .downcast_ref::<redwood_core::arrow::array::Int64Array>()
                .unwrap()
                .value(0)
        }
        other => panic!("{sql}: expected rows, got {other:?}"),
    }
}

/// Opens the database in `dir`. A database just dropped may stay locked for a moment: query
/// tasks DataFusion spawned can still hold it while they wind down.
fn open(dir: &Path) -> Database {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match Database::open(dir.to_str().unwrap(), Config::default()) {
            Err(e) if e.message.contains("already open") && std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            opened => return opened.expect("open database"),
        }
    }
}

/// The committed catalog entry of table `public.name`.
fn relation(db: &Database, name: &str) -> std::sync::Arc<redwood_core::catalog::Relation> {
    let snapshot = db.snapshot();
    let name = redwood_core::catalog::QualifiedName { schema: "public".into(), name: name.into() };
    std::sync::Arc::clone(snapshot.lookup(&name).expect("table exists"))
}

fn parquet_files(dir: &Path) -> usize {
    fn walk(p: &Path, n: &mut usize) {
        for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, n);
            } else if path.extension().is_some_and(|x| x == "parquet") {
                *n += 1;
            }
        }
    }
    let mut n = 0;
    walk(&dir.join("slices"), &mut n);
    n
}

/// SIGKILL a `redwood` process in the middle of a large INSERT, 20 times: after each reopen the
/// INSERT's rows are all there or none are, every earlier committed row is intact, and no segment
/// file is left that the catalog does not list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_insert_is_all_or_nothing() {
    const ROWS: i64 = 1_500_000;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let out = redwood(&dir, "CREATE TABLE t (id BIGINT, batch INT, pad VARCHAR(64)) DISTSTYLE EVEN SORTKEY(id)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let insert =
        |batch: i64| format!("INSERT INTO t SELECT value, {batch}, repeat('x', 40) FROM generate_series(1, {ROWS})");
    // Uninterrupted inserts show how long one takes (the faster of two, as the first may pay
    // for cold caches), so the kills land inside that window.
    let mut full = std::time::Duration::MAX;
    for batch in [0, 100] {
        let start = Instant::now();
        let out = redwood(&dir, &insert(batch));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        full = full.min(start.elapsed());
    }
    let mut committed = vec![0i64, 100];
    let (mut all, mut none, mut between) = (0, 0, 0);
    let mut segments_before = parquet_files(&dir);
    let mut delay = full.mul_f64(0.6);
    let mut step = full.mul_f64(0.2);
    for round in 1..=20i64 {
        let mut child = Command::new(REDWOOD)
            .arg(&dir)
            .arg("-c")
            .arg(insert(round))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The kill point homes in on the commit: later after a kill that found nothing, earlier
        // after one that found the insert complete, so most kills land while segments are being
        // written and committed.
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let files_at_kill = parquet_files(&dir);
        let db = open(&dir);
        let rows = query_i64(&db, &format!("SELECT count(*) FROM t WHERE batch = {round}")).await;
        assert!(rows == 0 || rows == ROWS, "round {round}: found {rows} of {ROWS} rows: a partial insert");
        // Narrow the steps only once kills have landed on both sides of the commit, so a slow
        // machine still reaches it.
        if all > 0 && none > 0 {
            step = step.mul_f64(0.8).max(std::time::Duration::from_millis(2));
        }
        if rows == ROWS {
            committed.push(round);
            all += 1;
            delay = delay.saturating_sub(step);
        } else {
            delay += step;
            none += 1;
            if files_at_kill > segments_before {
                between += 1; // killed after writing segments, before the catalog commit
            }
        }
        let total = query_i64(&db, "SELECT count(*) FROM t").await;
        assert_eq!(total, ROWS * committed.len() as i64, "round {round}: committed rows lost");
        let distinct = query_i64(&db, "SELECT count(DISTINCT batch) FROM t").await;
        assert_eq!(distinct, committed.len() as i64);
        let segments: usize =
            db.snapshot().relations.values().filter_map(|r| r.table()).map(|t| t.segments.len()).sum();
        assert_eq!(parquet_files(&dir), segments, "round {round}: orphan segment files survived reopen");
        segments_before = segments;
    }
    println!(
        "20 SIGKILLs during INSERT: {all} found complete, {none} found absent ({between} of them killed between \
         writing segments and committing, orphans removed on reopen), none partial (one insert takes {full:?})"
    );
    assert!(none > 0 && all > 0, "kills must land both before and after the commit to test anything");
}

/// A range filter on the SORTKEY of a 1M-row table reads fewer row groups than a full scan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zone_maps_prune_sortkey_ranges() {
    let db = Database::open(redwood_core::MEMORY, Config::default()).unwrap();
    let mut session = db.connect();
    session
        .execute(
            "CREATE TABLE events (id BIGINT NOT NULL, kind INT, note VARCHAR(20)) DISTSTYLE EVEN SORTKEY(id);
             INSERT INTO events SELECT value, value % 7, 'n' || (value % 100) FROM generate_series(1, 1000000)",
        )
        .await
        .unwrap();
    let metric = |plan: &str, name: &str| -> usize {
        plan.match_indices(&format!("{name}="))
            .map(|(i, m)| {
                let rest = &plan[i + m.len()..];
                let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                digits.parse::<usize>().unwrap_or(0)
            })
            .sum()
    };
    let explain = |sql: &'static str| {
        let mut s = db.connect();
        async move {
            let Outcome::Rows { batches, .. } = s.execute_one(sql).await.unwrap() else { panic!() };
            redwood_core::arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string()
        }
    };
    let full = explain("EXPLAIN ANALYZE SELECT count(*) FROM events WHERE kind = 3").await;
    let ranged = explain("EXPLAIN ANALYZE SELECT count(*) FROM events WHERE id BETWEEN 500000 AND 510000").await;
    let (full_read, full_pruned) = (metric(&full, "row_groups_scanned"), metric(&full, "row_groups_pruned"));
    let (range_read, range_pruned) = (metric(&ranged, "row_groups_scanned"), metric(&ranged, "row_groups_pruned"));
    println!("full scan: {full_read} row groups read, {full_pruned} pruned");
    println!("sortkey range: {range_read} row groups read, {range_pruned} pruned");
    assert!(full_read > 0 && full_pruned == 0, "{full}");
    assert!(range_read < full_read && range_pruned > 0, "{ranged}");
    let count = query_i64(&db, "SELECT count(*) FROM events WHERE id BETWEEN 500000 AND 510000").await;
    assert_eq!(count, 10001);
}

/// Data written in one process is there in the next; a failing script exits non-zero.
#[test]
fn persistence_and_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let out = redwood(&dir, "CREATE TABLE p (a INT, b VARCHAR(10)); INSERT INTO p VALUES (1, 'one'), (2, 'two')");
    assert!(out.status.success());
    let out = redwood(&dir, "SELECT b FROM p ORDER BY a");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("one") && text.contains("two") && text.contains("(2 rows)"), "{text}");
    let out = redwood(&dir, "SELECT * FROM missing_table");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("42P01"));
    let script = tmp.path().join("script.sql");
    std::fs::write(&script, "INSERT INTO p VALUES (3, 'three');\nINSERT INTO p VALUES (4, 'way too long value');\nINSERT INTO p VALUES (5, 'five');").unwrap();
    let out = Command::new(REDWOOD).arg(&dir).arg("-f").arg(&script).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("22001"));
    let out = redwood(&dir, "SELECT count(*) FROM p");
    assert!(String::from_utf8_lossy(&out.stdout).contains(" 3"), "the script stops at its first error");
    // Backslash commands in a script, as in psql: \timing times the statements after it, \q ends it.
    std::fs::write(&script, "\\timing\nSELECT 1;\nSELECT 2;\n\\q\nSELECT 3;\n").unwrap();
    let out = Command::new(REDWOOD).arg(&dir).arg("-f").arg(&script).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert_eq!(text.matches("Time: ").count(), 2, "{text}");
    assert!(!text.contains(" 3 "), "{text}");
}

/// A damaged segment file gives an error naming the table (and the file), never a panic; the
/// session and the other tables go on working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_segment_is_reported_with_the_table_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    {
        let db = open(&dir);
        let mut s = db.connect();
        s.execute(
            "CREATE TABLE good (a INT); CREATE TABLE bad (a INT, b VARCHAR(20)) DISTSTYLE EVEN;
                   INSERT INTO good VALUES (1); INSERT INTO bad SELECT value, 'v' FROM generate_series(1, 1000)",
        )
        .await
        .unwrap();
    }
    let bad_id = relation(&open(&dir), "bad").id;
    // Overwrite the middle of every segment of "bad" with garbage.
    fn damage(p: &Path, table: u64) {
        for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
            let path = e.path();
            if path.is_dir() {
                damage(&path, table);
            } else if path.parent().unwrap().file_name().unwrap().to_str() == Some(&table.to_string()) {
                let mut bytes = std::fs::read(&path).unwrap();
                let len = bytes.len();
                for b in &mut bytes[len / 4..len - 4] {
                    *b = 0xAB;
                }
                std::fs::write(&path, bytes).unwrap();
            }
        }
    }
    damage(&dir.join("slices"), bad_id);
    let db = open(&dir);
    let mut s = db.connect();
    let err = s.execute("SELECT sum(a) FROM bad").await.unwrap_err();
    assert_eq!(err.sqlstate, "XX001", "{err:?}");
    assert!(err.message.contains("\"bad\""), "the error names the table: {}", err.message);
    let err = s.execute("ANALYZE bad").await.unwrap_err();
    assert!(err.message.contains("bad"), "{}", err.message);
    assert_eq!(query_i64(&db, "SELECT count(*) FROM good").await, 1);
}

/// ANALYZE records each column's bounds and NULL count in the catalog, and they survive a reopen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyze_records_column_statistics() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    {
        let db = open(&dir);
        let mut s = db.connect();
        s.execute(
            "CREATE TABLE m (id INT, name VARCHAR(10), d DATE) DISTSTYLE EVEN;
             INSERT INTO m VALUES (5, 'kiwi', '2024-03-01'), (-2, NULL, '2023-12-31'), (40, 'apple', NULL);
             ALTER TABLE m ADD COLUMN score INT DEFAULT 7;
             INSERT INTO m VALUES (1, 'fig', '2024-01-01', 9);
             ANALYZE m",
        )
        .await
        .unwrap();
    }
    let db = open(&dir);
    let rel = relation(&db, "m");
    let table = rel.table().unwrap();
    let stats = |name: &str| {
        let id = table.column(name).unwrap().id;
        let s = table.statistics.iter().find(|s| s.column == id).unwrap().clone();
        (s.null_count, s.min, s.max)
    };
    assert_eq!(stats("id"), (0, Some("-2".into()), Some("40".into())));
    assert_eq!(stats("name"), (1, Some("apple".into()), Some("kiwi".into())));
    assert_eq!(stats("d"), (1, Some("2023-12-31".into()), Some("2024-03-01".into())));
    assert_eq!(stats("score"), (0, Some("7".into()), Some("9".into())));
}

/// Many single-row INSERTs do not pile up one segment each: small segments of a slice are merged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_row_inserts_keep_few_segments() {
    let db = Database::open(redwood_core::MEMORY, Config::default()).unwrap();
    let mut s = db.connect();
    s.execute("CREATE TABLE tiny (id INT, v VARCHAR(8)) DISTSTYLE EVEN SORTKEY(id)").await.unwrap();
    for i in 0..200 {
        s.execute(&format!("INSERT INTO tiny VALUES ({}, 'v{i}')", 199 - i)).await.unwrap();
    }
    s.execute("DELETE FROM tiny WHERE id % 10 = 0").await.unwrap();
    for i in 200..260 {
        s.execute(&format!("INSERT INTO tiny VALUES ({i}, 'v{i}')")).await.unwrap();
    }
    let segments = relation(&db, "tiny").table().unwrap().segments.len();
    let slices = db.layout().slice_count() as usize;
    assert!(segments <= slices * 17, "{segments} segments for 260 single-row inserts");
    assert_eq!(query_i64(&db, "SELECT count(*) FROM tiny").await, 240);
    assert_eq!(
        query_i64(&db, "SELECT sum(id) FROM tiny").await,
        (0..260).filter(|i| i >= &200 || i % 10 != 0).sum::<i64>()
    );
}

/// A query streams its rows batch by batch in the snapshot it started with, even while another
/// session changes the table.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_stream_reads_its_snapshot_in_batches() {
    use futures::StreamExt;
    let db = Database::open(redwood_core::MEMORY, Config::default()).unwrap();
    let mut writer = db.connect();
    writer
        .execute(
            "CREATE TABLE big (id BIGINT) DISTSTYLE EVEN; INSERT INTO big SELECT value FROM generate_series(1, 100000)",
        )
        .await
        .unwrap();
    let mut reader = db.connect();
    let mut stream = reader.query_stream("SELECT id, id * 2 FROM big").await.unwrap();
    assert_eq!(stream.schema.field(1).name(), "?column?");
    let first = stream.batches.next().await.unwrap().unwrap();
    writer.execute("DELETE FROM big; VACUUM big").await.unwrap();
    let mut rows = first.num_rows();
    let mut batches = 1;
    while let Some(batch) = stream.batches.next().await {
        rows += batch.unwrap().num_rows();
        batches += 1;
    }
    assert_eq!(rows, 100_000, "the stream reads the snapshot it started with");
    assert!(batches > 1);
    assert_eq!(query_i64(&db, "SELECT count(*) FROM big").await, 0);
    let err = reader.query_stream("DELETE FROM big").await.err().unwrap();
    assert_eq!(err.sqlstate, "0A000");
}
