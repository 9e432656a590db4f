//! Runs every `sql/**/*.slt` file against a database of its own: embedded, through the SQL
//! endpoint with a PostgreSQL client, on a cluster of a leader and two `redwood compute`
//! processes, and through the client API embedded and remote at once (which must agree batch for
//! batch); all must give the expected results.
//!
//! `cargo test -p redwood-tests --test sqllogictests` runs them all; give a file-name filter as an
//! argument to run some; `REDWOOD_SLT_MODE=embedded|endpoint|cluster|client` runs one mode; set
//! `REDWOOD_SLT_COMPLETE=1` to rewrite the expected results (from the embedded run).

use redwood_core::{ClusterLayout, Config};
use redwood_tests::{Mode, TestDatabase};
use std::path::{Path, PathBuf};

fn slt_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("tests/sql exists").flatten() {
        let path = entry.path();
        if path.is_dir() {
            slt_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "slt") {
            out.push(path);
        }
    }
}

/// sqllogictest's comparison, except for values of several lines (an EXPLAIN plan): those are
/// compared line by line with their indentation, which shows the plan's tree.
fn validate(normalizer: sqllogictest::Normalizer, actual: &[Vec<String>], expected: &[String]) -> bool {
    if !actual.iter().flatten().any(|value| value.contains('\n')) {
        return sqllogictest::default_validator(normalizer, actual, expected);
    }
    let actual = actual.iter().map(|row| row.join(" "));
    let actual: Vec<String> =
        actual.flat_map(|row| row.lines().map(|l| l.trim_end().to_string()).collect::<Vec<_>>()).collect();
    actual.iter().map(String::as_str).eq(expected.iter().map(|l| l.trim_end()))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sql");
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let complete = std::env::var("REDWOOD_SLT_COMPLETE").is_ok_and(|v| v == "1");
    let mut files = vec![];
    slt_files(&root, &mut files);
    files.sort();
    files.retain(|f| filters.is_empty() || filters.iter().any(|p| f.to_string_lossy().contains(p.as_str())));
    let modes: Vec<Mode> = match std::env::var("REDWOOD_SLT_MODE").as_deref() {
        Ok("embedded") => vec![Mode::Embedded],
        Ok("endpoint") => vec![Mode::Endpoint],
        Ok("cluster") => vec![Mode::Cluster],
        Ok("client") => vec![Mode::Client],
        _ if complete => vec![Mode::Embedded],
        _ => vec![Mode::Embedded, Mode::Endpoint, Mode::Cluster, Mode::Client],
    };
    let (mut passed, mut failed) = (0, 0);
    for (mode, file) in modes.iter().flat_map(|m| files.iter().map(move |f| (*m, f))) {
        let dir = tempfile::tempdir().expect("temp dir");
        // Two nodes of two slices, so every file exercises distribution over several slices.
        let config = Config { layout: Some(ClusterLayout { nodes: 2, slices_per_node: 2 }), ..Config::default() };
        let database = TestDatabase::open(dir.path().join("db"), config, mode).await;
        let mut runner = sqllogictest::Runner::new(move || {
            let database = database.clone();
            async move { database.connect().await }
        });
        runner.with_validator(validate);
        // The files COPY reads in the test files.
        runner.set_var("DATA".into(), Path::new(env!("CARGO_MANIFEST_DIR")).join("data/lake").display().to_string());
        let name = format!("{} ({mode:?})", file.strip_prefix(&root).unwrap_or(file).display());
        let result = if complete {
            runner
                .update_test_file(
                    file,
                    " ",
                    validate,
                    sqllogictest::default_normalizer,
                    sqllogictest::default_column_validator,
                )
                .await
                .map_err(|e| e.to_string())
        } else {
            runner.run_file_async(file).await.map_err(|e| e.display(true).to_string())
        };
        match result {
            Ok(()) => {
                passed += 1;
                println!("ok      {name}");
            }
            Err(e) => {
                failed += 1;
                println!("FAILED  {name}\n{e}\n");
            }
        }
    }
    println!("\nsqllogictest: {passed} passed, {failed} failed");
    if failed > 0 || files.is_empty() {
        std::process::exit(1);
    }
}
