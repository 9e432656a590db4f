//! The interactive shell: line editing and history, multi-line statements ending in `;`,
//! psql-style aligned output and backslash commands.

use redwood_core::arrow::array::timezone::Tz;
use redwood_core::arrow::array::RecordBatch;
use redwood_core::arrow::datatypes::{DataType, SchemaRef};
use redwood_core::catalog::{Placement, RelationKind, SortKind};
use redwood_core::sql::format::column_to_text;
use redwood_core::{Error, Outcome, Result, Session};
use rustyline::error::ReadlineError;
use std::time::Instant;

pub struct Shell {
    session: Session,
    timing: bool,
}

const HELP: &str = "\
  \\d           list tables and views
  \\d NAME      describe a table or view (columns, distribution, sort key)
  \\dt          list tables
  \\timing      toggle timing of statements
  \\q           quit
  SQL ending in ; runs it (statements may span lines)";

impl Shell {
    pub fn new(session: Session) -> Self {
        Shell { session, timing: false }
    }

    /// Runs a script (from -c or -f); the first error ends it. Lines that start with a backslash
    /// are commands (`\\timing`, `\\d`, `\\q`), as in psql; the SQL between them runs in order.
    pub async fn run_script(&mut self, script: &str) -> Result<()> {
        let mut sql = String::new();
        for line in script.lines() {
            let trimmed = line.trim();
            if !trimmed.starts_with('\\') {
                sql.push_str(line);
                sql.push('\n');
                continue;
            }
            self.run_sql(&std::mem::take(&mut sql)).await?;
            if !self.backslash(trimmed) {
                return Ok(());
            }
        }
        self.run_sql(&sql).await
    }

    pub async fn interactive(&mut self, target: &str) -> Result<()> {
        let mut editor = rustyline::DefaultEditor::new().map_err(|e| Error::internal(e.to_string()))?;
        let history = std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".redwood_history"));
        if let Some(h) = &history {
            let _ = editor.load_history(h);
        }
        println!("Redwood {} ({target}). Type \\? for help, \\q to quit.", env!("CARGO_PKG_VERSION"));
        let mut buffer = String::new();
        loop {
            let prompt = if buffer.is_empty() { "redwood=> " } else { "redwood-> " };
            match editor.readline(prompt) {
                Ok(line) => {
                    let trimmed = line.trim();
                    if buffer.is_empty() && trimmed.starts_with('\\') {
                        let _ = editor.add_history_entry(trimmed);
                        if !self.backslash(trimmed) {
                            break;
                        }
                        continue;
                    }
                    if trimmed.is_empty() && buffer.is_empty() {
                        continue;
                    }
                    buffer.push_str(&line);
                    buffer.push('\n');
                    if trimmed.ends_with(';') {
                        let sql = std::mem::take(&mut buffer);
                        let _ = editor.add_history_entry(sql.trim());
                        if let Err(e) = self.run_sql(&sql).await {
                            print_error(&e, Some(&sql));
                        }
                    }
                }
                Err(ReadlineError::Interrupted) => buffer.clear(),
                Err(ReadlineError::Eof) => break,
                Err(e) => return Err(Error::internal(e.to_string())),
            }
        }
        if let Some(h) = &history {
            let _ = editor.save_history(h);
        }
        Ok(())
    }

    /// Runs the statements one after the other, each on its own as psql sends them (so each
    /// commits by itself outside BEGIN … COMMIT), printing each result; stops at the first error.
    async fn run_sql(&mut self, sql: &str) -> Result<()> {
        for statement in self.session.prepare_batch(sql)? {
            let start = Instant::now();
            let progress = show_progress(self.session.progress());
            let result = match self.session.run(&statement, &[]).await {
                Ok(output) => output.collect().await,
                Err(e) => Err(e),
            };
            progress.abort();
            let _ = progress.await;
            // As psql's \timing: the statement, not the printing of its result.
            let elapsed = start.elapsed();
            if result.is_err() {
                self.session.result_failure().store(true, std::sync::atomic::Ordering::Relaxed);
            }
            for notice in self.session.take_notices() {
                eprintln!("{notice}");
            }
            match result? {
                Outcome::Rows { schema, batches } => print_table(&schema, &batches, &self.session.time_zone())?,
                Outcome::Command { tag, .. } => println!("{tag}"),
            }
            if self.timing {
                println!("Time: {:.3} ms", elapsed.as_secs_f64() * 1000.0);
            }
        }
        Ok(())
    }

    /// Handles a backslash command; returns false to quit.
    fn backslash(&mut self, line: &str) -> bool {
        let mut words = line.split_whitespace();
        match (words.next().unwrap_or(""), words.next()) {
            ("\\q", _) => return false,
            ("\\?" | "\\h", _) => println!("{HELP}"),
            ("\\timing", _) => {
                self.timing = !self.timing;
                println!("Timing is {}.", if self.timing { "on" } else { "off" });
            }
            ("\\dt", _) => self.list(true),
            ("\\d", None) => self.list(false),
            ("\\d", Some(name)) => self.describe(name),
            (other, _) => eprintln!("invalid command {other}; try \\? for help"),
        }
        true
    }

    fn list(&self, tables_only: bool) {
        let state = self.session.database().snapshot();
        let mut rows = vec![];
        for rel in state.relations.values() {
            if tables_only && rel.is_view() {
                continue;
            }
            let kind = match rel.kind {
                RelationKind::View(_) => "view",
                RelationKind::Table(_) => "table",
                RelationKind::External(_) => "external table",
            };
            rows.push(vec![rel.schema.clone(), rel.name.clone(), kind.to_string(), rel.owner.clone()]);
        }
        rows.sort();
        if rows.is_empty() {
            println!("Did not find any relations.");
            return;
        }
        print_rows(&["Schema", "Name", "Type", "Owner"], &[false; 4], &rows);
    }

    fn describe(&self, name: &str) {
        let state = self.session.database().snapshot();
        let (schema, name) = match name.split_once('.') {
            Some((s, n)) => (s.to_ascii_lowercase(), n.to_ascii_lowercase()),
            None => (redwood_core::catalog::DEFAULT_SCHEMA.to_string(), name.to_ascii_lowercase()),
        };
        let Some(rel) = state.lookup(&redwood_core::catalog::QualifiedName { schema, name: name.clone() }) else {
            eprintln!("Did not find any relation named \"{name}\".");
            return;
        };
        match &rel.kind {
            RelationKind::View(view) => {
                println!("View \"{}.{}\"\n{}", rel.schema, rel.name, view.sql);
            }
            RelationKind::External(def) => {
                println!("External table \"{}.{}\"", rel.schema, rel.name);
                let rows: Vec<Vec<String>> = def
                    .columns
                    .iter()
                    .map(|c| vec![c.name.clone(), c.sql_type.to_string(), String::new()])
                    .chain(
                        def.partition_columns
                            .iter()
                            .map(|c| vec![c.name.clone(), c.sql_type.to_string(), "partition".into()]),
                    )
                    .collect();
                print_rows(&["Column", "Type", "Key"], &[false; 3], &rows);
                println!("Location: {}, partitions: {}", def.location, def.partitions.len());
            }
            RelationKind::Table(table) => {
                println!("Table \"{}.{}\"", rel.schema, rel.name);
                let rows: Vec<Vec<String>> = table
                    .columns
                    .iter()
                    .map(|c| {
                        let default = match (&c.default, &c.identity) {
                            (_, Some(i)) => format!("identity({}, {})", i.seed, i.step),
                            (Some(d), None) => d.clone(),
                            (None, None) => String::new(),
                        };
                        vec![
                            c.name.clone(),
                            c.sql_type.to_string(),
                            if c.not_null { "not null".into() } else { String::new() },
                            default,
                            c.encoding.name().to_string(),
                        ]
                    })
                    .collect();
                print_rows(&["Column", "Type", "Nullable", "Default", "Encoding"], &[false; 5], &rows);
                let distribution = match table.distribution.placement() {
                    Placement::Key(_) => format!("KEY({})", table.distkey_name().unwrap_or("?")),
                    _ => table.distribution.style_name().to_string(),
                };
                println!("Distribution: {distribution}");
                if let Some(key) = &table.sort_key {
                    let names: Vec<&str> =
                        key.columns.iter().filter_map(|id| table.column_by_id(*id)).map(|c| c.name.as_str()).collect();
                    let kind = if key.kind == SortKind::Interleaved { "INTERLEAVED" } else { "COMPOUND" };
                    println!("Sort key: {kind}({})", names.join(", "));
                }
                let layout = self.session.database().layout();
                println!(
                    "Rows: {}, segments: {}, slices: {}",
                    table.logical_rows(&layout),
                    table.segments.len(),
                    layout.slice_count()
                );
            }
        }
    }
}

/// Prints an error as psql does, with the SQLSTATE and a pointer to the position.
pub fn print_error(error: &Error, sql: Option<&str>) {
    eprintln!("ERROR:  {} (SQLSTATE {})", error.message, error.sqlstate);
    if let (Some(position), Some(sql)) = (error.position, sql) {
        let before: String = sql.chars().take(position.saturating_sub(1)).collect();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line_no = before.matches('\n').count() + 1;
        let line = sql[line_start..].lines().next().unwrap_or("");
        let prefix = format!("LINE {line_no}: ");
        eprintln!("{prefix}{line}");
        eprintln!("{}^", " ".repeat(prefix.len() + before[line_start..].chars().count()));
    }
    if let Some(detail) = &error.detail {
        eprintln!("DETAIL:  {detail}");
    }
    if let Some(hint) = &error.hint {
        eprintln!("HINT:  {hint}");
    }
}

fn print_table(schema: &SchemaRef, batches: &[RecordBatch], zone: &Tz) -> Result<()> {
    let headers: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let numeric: Vec<bool> = schema
        .fields()
        .iter()
        .map(|f| f.data_type().is_numeric() || matches!(f.data_type(), DataType::Decimal128(..)))
        .collect();
    let mut rows = vec![];
    for batch in batches {
        let columns = batch.columns().iter().map(|c| column_to_text(c, zone)).collect::<Result<Vec<_>>>()?;
        for row in 0..batch.num_rows() {
            rows.push(columns.iter().map(|c| c[row].clone().unwrap_or_default()).collect());
        }
    }
    print_rows(&headers, &numeric, &rows);
    Ok(())
}

/// psql's aligned format; a value with line breaks continues on the following lines.
fn print_rows(headers: &[&str], right_align: &[bool], rows: &[Vec<String>]) {
    let width = |i: usize| {
        rows.iter()
            .flat_map(|r| r[i].lines().map(|l| l.chars().count()))
            .chain([headers[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..headers.len()).map(width).collect();
    let header: Vec<String> = headers.iter().zip(&widths).map(|(h, w)| format!("{h:^w$}")).collect();
    println!(" {} ", header.join(" | "));
    println!("{}", widths.iter().map(|w| "-".repeat(w + 2)).collect::<Vec<_>>().join("+"));
    for row in rows {
        let lines: Vec<Vec<&str>> = row.iter().map(|v| v.lines().collect()).collect();
        let height = lines.iter().map(|l| l.len()).max().unwrap_or(1).max(1);
        for line in 0..height {
            let cells: Vec<String> = lines
                .iter()
                .zip(&widths)
                .zip(right_align)
                .map(|((v, w), right)| {
                    let v = v.get(line).copied().unwrap_or("");
                    if *right {
                        format!("{v:>w$}")
                    } else {
                        format!("{v:<w$}")
                    }
                })
                .collect();
            println!(" {} ", cells.join(" | ").trim_end());
        }
    }
    println!("({} row{})\n", rows.len(), if rows.len() == 1 { "" } else { "s" });
}

/// While a statement runs: a progress line on the terminal (rows, bytes, rate) once a COPY or
/// UNLOAD has taken a second. Aborting the task clears it.
fn show_progress(progress: std::sync::Arc<redwood_core::load::Progress>) -> tokio::task::JoinHandle<()> {
    use indicatif::{HumanBytes, ProgressBar, ProgressStyle};
    struct Clear(ProgressBar);
    impl Drop for Clear {
        fn drop(&mut self) {
            self.0.finish_and_clear();
        }
    }
    tokio::spawn(async move {
        let start = Instant::now();
        let bar = Clear(ProgressBar::hidden());
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            let Some((what, rows, bytes)) = progress.snapshot() else { continue };
            if start.elapsed().as_secs_f64() < 1.0 {
                continue;
            }
            if bar.0.is_hidden() {
                bar.0.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                bar.0.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("a valid template"));
                bar.0.enable_steady_tick(std::time::Duration::from_millis(120));
            }
            let seconds = start.elapsed().as_secs_f64();
            bar.0.set_message(format!(
                "{what}: {rows} rows, {} ({}/s, {:.0} rows/s)",
                HumanBytes(bytes),
                HumanBytes((bytes as f64 / seconds) as u64),
                rows as f64 / seconds
            ));
        }
    })
}
