//! `redwood demo`: generates TPC-H data in-process (tpchgen), loads it into tables laid out the way
//! Redshift's TPC-H guidance does (co-located DISTKEYs for the big joins, small dimensions on ALL,
//! date sort keys for range filters), then runs a few queries and shows their timings.

use redwood_core::arrow::csv::ReaderBuilder;
use redwood_core::arrow::datatypes::{DataType, Field, Schema};
use redwood_core::{Config, Database, Outcome, Result, Session};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// TPC-H tables with Redshift physical design.
pub const TPCH_DDL: &str = "
CREATE TABLE region (r_regionkey INTEGER NOT NULL, r_name CHAR(25) NOT NULL, r_comment VARCHAR(152))
  DISTSTYLE ALL SORTKEY(r_regionkey);
CREATE TABLE nation (n_nationkey INTEGER NOT NULL, n_name CHAR(25) NOT NULL, n_regionkey INTEGER NOT NULL,
  n_comment VARCHAR(152)) DISTSTYLE ALL SORTKEY(n_nationkey);
CREATE TABLE supplier (s_suppkey INTEGER NOT NULL, s_name CHAR(25) NOT NULL, s_address VARCHAR(40) NOT NULL,
  s_nationkey INTEGER NOT NULL, s_phone CHAR(15) NOT NULL, s_acctbal DECIMAL(15,2) NOT NULL,
  s_comment VARCHAR(101) NOT NULL) DISTSTYLE ALL SORTKEY(s_suppkey);
CREATE TABLE customer (c_custkey INTEGER NOT NULL, c_name VARCHAR(25) NOT NULL, c_address VARCHAR(40) NOT NULL,
  c_nationkey INTEGER NOT NULL, c_phone CHAR(15) NOT NULL, c_acctbal DECIMAL(15,2) NOT NULL,
  c_mktsegment CHAR(10) NOT NULL, c_comment VARCHAR(117) NOT NULL) DISTKEY(c_custkey) SORTKEY(c_custkey);
CREATE TABLE part (p_partkey INTEGER NOT NULL, p_name VARCHAR(55) NOT NULL, p_mfgr CHAR(25) NOT NULL,
  p_brand CHAR(10) NOT NULL, p_type VARCHAR(25) NOT NULL, p_size INTEGER NOT NULL, p_container CHAR(10) NOT NULL,
  p_retailprice DECIMAL(15,2) NOT NULL, p_comment VARCHAR(23) NOT NULL) DISTKEY(p_partkey) SORTKEY(p_partkey);
CREATE TABLE partsupp (ps_partkey INTEGER NOT NULL, ps_suppkey INTEGER NOT NULL, ps_availqty INTEGER NOT NULL,
  ps_supplycost DECIMAL(15,2) NOT NULL, ps_comment VARCHAR(199) NOT NULL) DISTKEY(ps_partkey) SORTKEY(ps_partkey);
CREATE TABLE orders (o_orderkey BIGINT NOT NULL, o_custkey INTEGER NOT NULL, o_orderstatus CHAR(1) NOT NULL,
  o_totalprice DECIMAL(15,2) NOT NULL, o_orderdate DATE NOT NULL, o_orderpriority CHAR(15) NOT NULL,
  o_clerk CHAR(15) NOT NULL, o_shippriority INTEGER NOT NULL, o_comment VARCHAR(79) NOT NULL)
  DISTKEY(o_orderkey) SORTKEY(o_orderdate);
CREATE TABLE lineitem (l_orderkey BIGINT NOT NULL, l_partkey INTEGER NOT NULL, l_suppkey INTEGER NOT NULL,
  l_linenumber INTEGER NOT NULL, l_quantity DECIMAL(15,2) NOT NULL, l_extendedprice DECIMAL(15,2) NOT NULL,
  l_discount DECIMAL(15,2) NOT NULL, l_tax DECIMAL(15,2) NOT NULL, l_returnflag CHAR(1) NOT NULL,
  l_linestatus CHAR(1) NOT NULL, l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL,
  l_shipinstruct CHAR(25) NOT NULL, l_shipmode CHAR(10) NOT NULL, l_comment VARCHAR(44) NOT NULL)
  DISTKEY(l_orderkey) SORTKEY(l_shipdate);
";

const QUERIES: &[(&str, &str)] = &[
    (
        "row counts",
        "SELECT 'lineitem' AS table_name, COUNT(*) AS row_count FROM lineitem
      UNION ALL SELECT 'orders', COUNT(*) FROM orders UNION ALL SELECT 'customer', COUNT(*) FROM customer
      ORDER BY 1",
    ),
    (
        "TPC-H Q1 (pricing summary)",
        "SELECT l_returnflag, l_linestatus, SUM(l_quantity) AS sum_qty,
      SUM(l_extendedprice) AS sum_base_price, SUM(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
      AVG(l_discount) AS avg_disc, COUNT(*) AS count_order
      FROM lineitem WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL '90' DAY
      GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus",
    ),
    (
        "TPC-H Q6 (revenue change; zone maps prune on the l_shipdate sort key)",
        "SELECT SUM(l_extendedprice * l_discount) AS revenue FROM lineitem
      WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'
      AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24",
    ),
    (
        "TPC-H Q3 (orders ⋈ lineitem on their DISTKEY: co-located)",
        "SELECT l_orderkey, SUM(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate, o_shippriority
      FROM customer, orders, lineitem
      WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey AND l_orderkey = o_orderkey
        AND o_orderdate < DATE '1995-03-15' AND l_shipdate > DATE '1995-03-15'
      GROUP BY l_orderkey, o_orderdate, o_shippriority ORDER BY revenue DESC, o_orderdate LIMIT 5",
    ),
];

pub async fn run(dir: &Path, scale: f64, config: Config) -> Result<()> {
    let started = Instant::now();
    let db = Database::open(&dir.display().to_string(), config)?;
    let mut session = db.connect();
    let layout = db.layout();
    println!("Redwood demo in {} ({} node(s) x {} slices)", dir.display(), layout.nodes, layout.slices_per_node);
    let loaded = db
        .snapshot()
        .lookup(&redwood_core::catalog::QualifiedName { schema: "public".into(), name: "lineitem".into() })
        .is_some();
    if loaded {
        println!("TPC-H tables already loaded; querying them.");
    } else {
        let load_start = Instant::now();
        session.execute(TPCH_DDL).await?;
        load_all(&mut session, scale).await?;
        println!("Loaded TPC-H scale {scale} in {:.1} s", load_start.elapsed().as_secs_f64());
        // As after any bulk load on Redshift: one sorted run per slice, so zone maps prune best.
        let vacuum_start = Instant::now();
        session.execute("VACUUM; ANALYZE").await?;
        println!("VACUUM and ANALYZE in {:.1} s", vacuum_start.elapsed().as_secs_f64());
    }
    for (title, sql) in QUERIES {
        let start = Instant::now();
        let outcome = session.execute_one(sql).await?;
        let elapsed = start.elapsed();
        println!("\n-- {title}: {:.1} ms", elapsed.as_secs_f64() * 1000.0);
        if let Outcome::Rows { schema, batches } = outcome {
            let table = redwood_core::arrow::util::pretty::pretty_format_batches(&batches)
                .map_err(redwood_core::Error::from)?;
            let _ = schema;
            println!("{table}");
        }
    }
    println!("\nDone in {:.1} s. Explore it with: redwood {}", started.elapsed().as_secs_f64(), dir.display());
    Ok(())
}

/// Rows per generated chunk handed to the loader.
const CHUNK_ROWS: usize = 200_000;

async fn load_all(session: &mut Session, scale: f64) -> Result<()> {
    use tpchgen::generators::*;
    load(session, "region", RegionGenerator::new(scale, 1, 1).iter()).await?;
    load(session, "nation", NationGenerator::new(scale, 1, 1).iter()).await?;
    load(session, "supplier", SupplierGenerator::new(scale, 1, 1).iter()).await?;
    load(session, "customer", CustomerGenerator::new(scale, 1, 1).iter()).await?;
    load(session, "part", PartGenerator::new(scale, 1, 1).iter()).await?;
    load(session, "partsupp", PartSuppGenerator::new(scale, 1, 1).iter()).await?;
    load(session, "orders", OrderGenerator::new(scale, 1, 1).iter()).await?;
    load(session, "lineitem", LineItemGenerator::new(scale, 1, 1).iter()).await?;
    Ok(())
}

/// Loads generated rows (`a|b|c|` lines) into a table in one transaction, parsing them with the
/// table's own column types.
async fn load<T: std::fmt::Display>(session: &mut Session, table: &str, rows: impl Iterator<Item = T>) -> Result<()> {
    let Outcome::Rows { schema, .. } = session.execute_one(&format!("SELECT * FROM {table} LIMIT 0")).await? else {
        unreachable!("a query returns rows")
    };
    // Each line ends with '|', which reads as one more (empty) column.
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone().with_nullable(true)).collect();
    fields.push(Field::new("trailing", DataType::Utf8, true));
    let read_schema = Arc::new(Schema::new(fields));
    session.execute("BEGIN").await?;
    let mut text = String::new();
    let mut count = 0;
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        text.clear();
        for row in rows.by_ref().take(CHUNK_ROWS) {
            use std::fmt::Write;
            let _ = writeln!(text, "{row}");
            count += 1;
        }
        let reader = ReaderBuilder::new(Arc::clone(&read_schema))
            .with_delimiter(b'|')
            .with_batch_size(65536)
            .build(text.as_bytes())?;
        let mut batches = vec![];
        for batch in reader {
            let batch = batch?;
            batches.push(batch.project(&(0..schema.fields().len()).collect::<Vec<_>>())?);
        }
        session.append(table, batches)?;
    }
    session.execute("COMMIT").await?;
    println!("  {table}: {count} rows");
    Ok(())
}
