//! Redshift's own catalog views: `pg_table_def` and `svv_table_info` are computed from the
//! catalog; the others are queries over `information_schema` and `pg_catalog`, as Redshift itself
//! defines them.

use super::*;
use crate::catalog::{ExternalFormat, Grantee, Placement, Privileges, DEFAULT_DATABASE, DEFAULT_SCHEMA};

/// Views defined as SQL over other system tables.
pub(super) const VIEWS: &[(&str, &str)] = &[
    (
        "svv_tables",
        "SELECT table_catalog, table_schema, table_name, table_type, CAST(NULL AS VARCHAR) AS remarks \
         FROM information_schema.tables",
    ),
    (
        "svv_columns",
        "SELECT table_catalog, table_schema, table_name, column_name, ordinal_position, column_default, is_nullable, \
         data_type, character_maximum_length, numeric_precision, numeric_precision_radix, numeric_scale, \
         datetime_precision, interval_type, interval_precision, character_set_catalog, character_set_schema, \
         character_set_name, collation_catalog, collation_schema, collation_name, domain_name, \
         CAST(NULL AS VARCHAR) AS remarks FROM information_schema.columns",
    ),
    (
        "svv_all_schemas",
        "SELECT catalog_name AS database_name, schema_name, schema_owner, CAST('local' AS VARCHAR) AS schema_type, \
         CAST(NULL AS VARCHAR) AS schema_acl, CAST(NULL AS VARCHAR) AS source_database, \
         CAST(NULL AS VARCHAR) AS schema_option FROM information_schema.schemata",
    ),
    (
        "svv_all_tables",
        "SELECT table_catalog AS database_name, table_schema AS schema_name, table_name, table_type, \
         CAST(NULL AS VARCHAR) AS table_acl, CAST(NULL AS VARCHAR) AS remarks FROM information_schema.tables",
    ),
    (
        "svv_all_columns",
        "SELECT table_catalog AS database_name, table_schema AS schema_name, table_name, column_name, \
         ordinal_position, column_default, is_nullable, data_type, character_maximum_length, numeric_precision, \
         numeric_scale, CAST(NULL AS VARCHAR) AS remarks FROM information_schema.columns",
    ),
    (
        "svv_redshift_databases",
        "SELECT current_database() AS database_name, CAST(1 AS INT) AS database_owner, \
         CAST('local' AS VARCHAR) AS database_type, CAST(NULL AS VARCHAR) AS database_acl, \
         CAST(NULL AS VARCHAR) AS database_options, CAST('Serializable' AS VARCHAR) AS database_isolation_level",
    ),
    // Materialized views are not supported yet.
    (
        "svv_mv_info",
        "SELECT CAST(NULL AS VARCHAR) AS database_name, CAST(NULL AS VARCHAR) AS schema_name, \
         CAST(NULL AS VARCHAR) AS user_name, CAST(NULL AS VARCHAR) AS name, CAST(NULL AS CHAR(1)) AS is_stale, \
         CAST(NULL AS INT) AS state, CAST(NULL AS CHAR(1)) AS autorefresh, CAST(NULL AS CHAR(1)) AS autorewrite \
         WHERE false",
    ),
    ("pg_proc_info", "SELECT oid AS prooid, * FROM pg_catalog.pg_proc"),
];

pub(super) fn view_sql(name: &str) -> Option<&'static str> {
    VIEWS.iter().find(|(n, _)| *n == name).map(|(_, sql)| *sql)
}

/// `pg_table_def.encoding`: Redshift calls RAW `none`.
fn encoding_name(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Raw => "none",
        other => other.name(),
    }
}

const MEGABYTE: u64 = 1 << 20;

/// The tables that show the leader's query log, and those that show the compute nodes.
pub(super) const DESCRIBE_QUERIES: &[&str] = &["stl_query", "svl_query_summary"];
pub(super) const DESCRIBE_NODES: &[&str] = &["stv_slices", "stv_node_storage_capacity"];

fn timestamp(t: std::time::SystemTime) -> ScalarValue {
    let micros = t.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_micros() as i64);
    ScalarValue::TimestampMicrosecond(Some(micros), None)
}

fn big(v: i64) -> ScalarValue {
    ScalarValue::Int64(Some(v))
}

fn megabytes(bytes: u64) -> i64 {
    bytes.div_ceil(MEGABYTE) as i64
}

/// A column's type as the data catalog (Hive) names it.
fn hive_type(sql_type: SqlType) -> String {
    match sql_type {
        SqlType::SmallInt => "smallint".into(),
        SqlType::Integer => "int".into(),
        SqlType::BigInt => "bigint".into(),
        SqlType::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
        SqlType::Real => "float".into(),
        SqlType::Double => "double".into(),
        SqlType::Boolean => "boolean".into(),
        SqlType::Char(n) => format!("char({n})"),
        SqlType::Varchar(n) => format!("varchar({n})"),
        SqlType::Date => "date".into(),
        SqlType::Timestamp | SqlType::TimestampTz => "timestamp".into(),
    }
}

/// The storage description SVV_EXTERNAL_TABLES and SVV_EXTERNAL_PARTITIONS share: input and
/// output format, SerDe, its parameters, compressed, and the table's parameters (JSON).
fn storage_columns(def: &ExternalTableDef) -> Vec<ScalarValue> {
    let serde_parameters = match def.format {
        ExternalFormat::Text { delimiter } => {
            let delim = (delimiter as char).to_string();
            serde_json::json!({ "field.delim": delim, "serialization.format": delim })
        }
        ExternalFormat::Parquet => serde_json::json!({ "serialization.format": "1" }),
    };
    let mut parameters = serde_json::Map::new();
    parameters.insert("EXTERNAL".into(), "TRUE".into());
    for (k, v) in &def.properties {
        parameters.insert(k.clone(), v.clone().into());
    }
    vec![
        text(def.format.input_format()),
        text(def.format.output_format()),
        text(def.format.serialization_lib()),
        text(&serde_parameters.to_string()),
        int(0),
        text(&serde_json::Value::Object(parameters).to_string()),
    ]
}

const STORAGE_FIELDS: [(&str, DataType); 6] = [
    ("input_format", DataType::Utf8),
    ("output_format", DataType::Utf8),
    ("serialization_lib", DataType::Utf8),
    ("serde_parameters", DataType::Utf8),
    ("compressed", DataType::Int32),
    ("parameters", DataType::Utf8),
];

pub(super) fn build(name: &str, facts: &Facts) -> Result<Option<RecordBatch>> {
    let batch = match name {
        // The privileges on each table and view: its owner's, then every grant (a row per
        // privilege and grantee).
        "svv_relation_privileges" => {
            let mut t = TableBuilder::new(&[
                ("namespace_name", DataType::Utf8),
                ("relation_name", DataType::Utf8),
                ("privilege_type", DataType::Utf8),
                ("identity_id", DataType::Int32),
                ("identity_name", DataType::Utf8),
                ("identity_type", DataType::Utf8),
                ("admin_option", DataType::Boolean),
            ]);
            let owner_privileges = Privileges::ALL_TABLE.without(Privileges::RULE | Privileges::TRIGGER);
            for rel in facts.relations() {
                let owner = Grantee::User(rel.owner.clone());
                let grants = std::iter::once((&owner, owner_privileges, Privileges::NONE))
                    .chain(rel.acl.0.iter().map(|i| (&i.grantee, i.privileges, i.grantable)));
                for (grantee, privileges, grantable) in grants {
                    let (id, name, kind) = facts.grantee_identity(grantee);
                    for privilege in privileges.names() {
                        let p = Privileges::named(privilege).expect("a known privilege");
                        t.row(vec![
                            text(&rel.schema),
                            text(&rel.name),
                            text(privilege),
                            int(id),
                            text(&name),
                            text(kind),
                            flag(grantable.contains(p)),
                        ]);
                    }
                }
            }
            t.finish()?
        }
        // Row-level security (Redshift shows these to superusers and security admins only).
        "svv_rls_policy" => {
            let mut t = TableBuilder::new(&[
                ("poldb", DataType::Utf8),
                ("polname", DataType::Utf8),
                ("polalias", DataType::Utf8),
                ("polatts", DataType::Utf8),
                ("polqual", DataType::Utf8),
                ("polenabled", DataType::Boolean),
                ("polmodifiedby", DataType::Utf8),
            ]);
            for policy in facts.security_admin().then_some(facts.state.policies.values()).into_iter().flatten() {
                let columns: Vec<serde_json::Value> = policy
                    .columns
                    .iter()
                    .map(|(name, data_type)| serde_json::json!({"colname": name, "type": data_type}))
                    .collect();
                t.row(vec![
                    text(DEFAULT_DATABASE),
                    text(&policy.name),
                    opt_text(policy.alias.as_deref()),
                    text(&serde_json::Value::Array(columns).to_string()),
                    text(&policy.using),
                    flag(true),
                    text(&policy.owner),
                ]);
            }
            t.finish()?
        }
        "svv_rls_relation" => {
            let mut t = TableBuilder::new(&[
                ("datname", DataType::Utf8),
                ("relschema", DataType::Utf8),
                ("relname", DataType::Utf8),
                ("relkind", DataType::Utf8),
                ("is_rls_on", DataType::Boolean),
                ("is_rls_datashare_on", DataType::Boolean),
                ("rls_conjunction_type", DataType::Utf8),
            ]);
            for rel in facts.relations().filter(|_| facts.security_admin()) {
                let conjunction = rel.row_level_security.map(|c| c.name().to_ascii_lowercase());
                t.row(vec![
                    text(DEFAULT_DATABASE),
                    text(&rel.schema),
                    text(&rel.name),
                    text(if rel.is_view() { "view" } else { "table" }),
                    flag(rel.row_level_security.is_some()),
                    flag(false),
                    text(conjunction.as_deref().unwrap_or("or")),
                ]);
            }
            t.finish()?
        }
        "svv_rls_attached_policy" => {
            let mut t = TableBuilder::new(&[
                ("relschema", DataType::Utf8),
                ("relname", DataType::Utf8),
                ("relkind", DataType::Utf8),
                ("polname", DataType::Utf8),
                ("grantor", DataType::Utf8),
                ("grantee", DataType::Utf8),
                ("granteekind", DataType::Utf8),
                ("is_pol_on", DataType::Boolean),
                ("is_rls_on", DataType::Boolean),
                ("rls_conjunction_type", DataType::Utf8),
            ]);
            for policy in facts.security_admin().then_some(facts.state.policies.values()).into_iter().flatten() {
                for attachment in &policy.attachments {
                    let Some(rel) = facts.state.relation(attachment.relation) else { continue };
                    let (_, grantee, kind) = facts.grantee_identity(&attachment.grantee);
                    let conjunction = rel.row_level_security.map(|c| c.name().to_ascii_lowercase());
                    t.row(vec![
                        text(&rel.schema),
                        text(&rel.name),
                        text(if rel.is_view() { "view" } else { "table" }),
                        text(&policy.name),
                        text(&attachment.grantor),
                        text(&grantee),
                        text(kind),
                        flag(true),
                        flag(rel.row_level_security.is_some()),
                        text(conjunction.as_deref().unwrap_or("or")),
                    ]);
                }
            }
            t.finish()?
        }
        "svv_default_privileges" => {
            let mut t = TableBuilder::new(&[
                ("schema_name", DataType::Utf8),
                ("object_type", DataType::Utf8),
                ("owner_id", DataType::Int32),
                ("owner_name", DataType::Utf8),
                ("owner_type", DataType::Utf8),
                ("privilege_type", DataType::Utf8),
                ("grantee_id", DataType::Int32),
                ("grantee_name", DataType::Utf8),
                ("grantee_type", DataType::Utf8),
                ("admin_option", DataType::Boolean),
            ]);
            for default in &facts.state.default_acls {
                for item in &default.acl.0 {
                    let (id, name, kind) = facts.grantee_identity(&item.grantee);
                    for privilege in item.privileges.names() {
                        let p = Privileges::named(privilege).expect("a known privilege");
                        t.row(vec![
                            opt_text(default.schema.as_deref()),
                            text("RELATION"),
                            int(facts.user_id(&default.owner)),
                            text(&default.owner),
                            text("user"),
                            text(privilege),
                            int(id),
                            text(&name),
                            text(kind),
                            flag(item.grantable.contains(p)),
                        ]);
                    }
                }
            }
            t.finish()?
        }
        "svv_roles" => {
            let mut t = TableBuilder::new(&[
                ("role_id", DataType::Int32),
                ("role_name", DataType::Utf8),
                ("role_owner", DataType::Utf8),
                ("external_id", DataType::Utf8),
            ]);
            for role in facts.state.roles.values() {
                t.row(vec![int(role.id as i32), text(&role.name), text(&role.owner), null_text()]);
            }
            t.finish()?
        }
        "svv_external_schemas" => {
            let mut t = TableBuilder::new(&[
                ("esoid", DataType::Int32),
                ("eskind", DataType::Int16),
                ("schemaname", DataType::Utf8),
                ("esowner", DataType::Int32),
                ("databasename", DataType::Utf8),
                ("esoptions", DataType::Utf8),
            ]);
            for schema in facts.state.schemas.values() {
                let Some(external) = &schema.external else { continue };
                let mut options = serde_json::Map::new();
                options.insert("IAM_ROLE".into(), external.iam_role.clone().into());
                if let Some(region) = &external.region {
                    options.insert("REGION".into(), region.clone().into());
                }
                t.row(vec![
                    int(schema_oid(&schema.name)),
                    // 1: an external schema over a data catalog.
                    small(1),
                    text(&schema.name),
                    int(facts.user_id(&schema.owner)),
                    text(&external.database),
                    text(&serde_json::Value::Object(options).to_string()),
                ]);
            }
            t.finish()?
        }
        "svv_external_tables" => {
            let mut fields = vec![
                ("redshift_database_name", DataType::Utf8),
                ("schemaname", DataType::Utf8),
                ("tablename", DataType::Utf8),
                ("tabletype", DataType::Utf8),
                ("location", DataType::Utf8),
            ];
            fields.extend(STORAGE_FIELDS);
            let mut t = TableBuilder::new(&fields);
            for (rel, def) in facts.external_tables() {
                let mut row = vec![
                    text(DEFAULT_DATABASE),
                    text(&rel.schema),
                    text(&rel.name),
                    text("EXTERNAL_TABLE"),
                    text(&def.location),
                ];
                row.extend(storage_columns(def));
                t.row(row);
            }
            t.finish()?
        }
        "svv_external_columns" => {
            let mut t = TableBuilder::new(&[
                ("redshift_database_name", DataType::Utf8),
                ("schemaname", DataType::Utf8),
                ("tablename", DataType::Utf8),
                ("columnname", DataType::Utf8),
                ("external_type", DataType::Utf8),
                ("columnnum", DataType::Int32),
                ("part_key", DataType::Int32),
                ("is_nullable", DataType::Utf8),
            ]);
            for (rel, def) in facts.external_tables() {
                let partition_keys = (1..=def.partition_columns.len() as i32).map(Some);
                let keys = std::iter::repeat_n(None, def.columns.len()).chain(partition_keys);
                for ((number, column), part_key) in def.all_columns().enumerate().zip(keys) {
                    t.row(vec![
                        text(DEFAULT_DATABASE),
                        text(&rel.schema),
                        text(&rel.name),
                        text(&column.name),
                        text(&hive_type(column.sql_type)),
                        // Partition columns are not in the files: Redshift numbers them -1.
                        int(if part_key.is_some() { -1 } else { number as i32 + 1 }),
                        int(part_key.unwrap_or(0)),
                        text("true"),
                    ]);
                }
            }
            t.finish()?
        }
        "svv_external_partitions" => {
            let mut fields = vec![
                ("schemaname", DataType::Utf8),
                ("tablename", DataType::Utf8),
                ("values", DataType::Utf8),
                ("location", DataType::Utf8),
            ];
            fields.extend(STORAGE_FIELDS);
            let mut t = TableBuilder::new(&fields);
            for (rel, def) in facts.external_tables() {
                for partition in &def.partitions {
                    let mut row = vec![
                        text(&rel.schema),
                        text(&rel.name),
                        text(&serde_json::Value::from(partition.values.clone()).to_string()),
                        text(&partition.location),
                    ];
                    row.extend(storage_columns(def));
                    t.row(row);
                }
            }
            t.finish()?
        }
        // Like Redshift's, it shows the tables of the schemas on the search path (`public`).
        "pg_table_def" => {
            let mut t = TableBuilder::new(&[
                ("schemaname", DataType::Utf8),
                ("tablename", DataType::Utf8),
                ("column", DataType::Utf8),
                ("type", DataType::Utf8),
                ("encoding", DataType::Utf8),
                ("distkey", DataType::Boolean),
                ("sortkey", DataType::Int32),
                ("notnull", DataType::Boolean),
            ]);
            for (rel, _) in facts.tables().filter(|(r, _)| r.schema == DEFAULT_SCHEMA) {
                for c in facts.columns(rel) {
                    t.row(vec![
                        text(&rel.schema),
                        text(&rel.name),
                        text(c.name),
                        text(&c.type_text()),
                        text(encoding_name(c.encoding)),
                        flag(c.distkey),
                        int(c.sort_position),
                        flag(c.not_null),
                    ]);
                }
            }
            t.finish()?
        }
        // Like Redshift's, it leaves out empty tables.
        "svv_table_info" => {
            let mut t = TableBuilder::new(&[
                ("database", DataType::Utf8),
                ("schema", DataType::Utf8),
                ("table_id", DataType::Int32),
                ("table", DataType::Utf8),
                ("encoded", DataType::Utf8),
                ("diststyle", DataType::Utf8),
                ("sortkey1", DataType::Utf8),
                ("max_varchar", DataType::Int32),
                ("sortkey1_enc", DataType::Utf8),
                ("sortkey_num", DataType::Int32),
                ("size", DataType::Int64),
                ("pct_used", DataType::Float64),
                ("empty", DataType::Int64),
                ("unsorted", DataType::Float64),
                ("stats_off", DataType::Float64),
                ("tbl_rows", DataType::Int64),
                ("skew_sortkey1", DataType::Float64),
                ("skew_rows", DataType::Float64),
                ("estimated_visible_rows", DataType::Int64),
                ("risk_event", DataType::Utf8),
                ("vacuum_sort_benefit", DataType::Float64),
                ("create_time", DataType::Utf8),
            ]);
            let layout = facts.layout;
            for (rel, table) in facts.tables().filter(|(_, t)| !t.segments.is_empty()) {
                let sort_first =
                    table.sort_key.as_ref().and_then(|k| k.columns.first()).and_then(|id| table.column_by_id(*id));
                let sortkey1 = match table.sort_key.as_ref().map(|k| k.kind) {
                    Some(SortKind::Interleaved) => Some("INTERLEAVED".to_string()),
                    _ => sort_first.map(|c| c.name.clone()),
                };
                let diststyle = match table.distkey_name() {
                    Some(key) => format!("KEY({key})"),
                    None => table.distribution.style_name().to_string(),
                };
                let mut slice_rows = vec![0u64; layout.slice_count() as usize];
                for segment in &table.segments {
                    if let Some(rows) = slice_rows.get_mut(segment.slice as usize) {
                        *rows += segment.live_rows();
                    }
                }
                let (most, fewest) =
                    (slice_rows.iter().max().copied().unwrap_or(0), slice_rows.iter().min().copied().unwrap_or(0));
                let skew = match table.distribution.placement() {
                    Placement::All => 1.0,
                    _ if fewest == 0 => most as f64,
                    _ => most as f64 / fewest as f64,
                };
                t.row(vec![
                    text(DEFAULT_DATABASE),
                    text(&rel.schema),
                    int(relation_oid(rel)),
                    text(&rel.name),
                    text(if table.columns.iter().any(|c| c.encoding != Encoding::Raw) { "Y" } else { "N" }),
                    text(&diststyle),
                    opt_text(sortkey1.as_deref()),
                    opt_int(
                        table
                            .columns
                            .iter()
                            .filter_map(|c| match c.sql_type {
                                SqlType::Varchar(n) => Some(n as i32),
                                _ => None,
                            })
                            .max(),
                    ),
                    opt_text(sort_first.map(|c| encoding_name(c.encoding))),
                    int(table.sort_key.as_ref().map_or(0, |k| k.columns.len() as i32)),
                    ScalarValue::Int64(Some(
                        table.segments.iter().map(|s| s.file.bytes.div_ceil(MEGABYTE) as i64).sum(),
                    )),
                    ScalarValue::Float64(None),
                    ScalarValue::Int64(Some(0)),
                    ScalarValue::Float64(None),
                    ScalarValue::Float64(Some(if table.statistics.is_empty() { 100.0 } else { 0.0 })),
                    ScalarValue::Int64(Some(table.segments.iter().map(|s| s.rows as i64).sum())),
                    ScalarValue::Float64(None),
                    ScalarValue::Float64(Some(skew)),
                    ScalarValue::Int64(Some(table.logical_rows(&layout) as i64)),
                    null_text(),
                    ScalarValue::Float64(None),
                    null_text(),
                ]);
            }
            t.finish()?
        }
        // Redwood adds `status`: `up`, or `down` when the slice's node does not answer as itself.
        "stv_slices" => {
            let mut t = TableBuilder::new(&[
                ("node", DataType::Int32),
                ("slice", DataType::Int32),
                ("localslice", DataType::Int32),
                ("type", DataType::Utf8),
                ("status", DataType::Utf8),
            ]);
            for slice in 0..facts.layout.slice_count() {
                let node = facts.layout.node_of(slice);
                let up = facts.nodes.iter().find(|n| n.node == node).is_some_and(|n| n.problem.is_none());
                t.row(vec![
                    int(node as i32),
                    int(slice as i32),
                    int((slice % facts.layout.slices_per_node) as i32),
                    text("D"),
                    text(if up { "up" } else { "down" }),
                ]);
            }
            t.finish()?
        }
        // Megabytes: `used` by the segments of the node's slices, `capacity` of the file system
        // its data directory is on (NULL when unknown: in memory, or the node is down).
        "stv_node_storage_capacity" => {
            let mut t = TableBuilder::new(&[
                ("node", DataType::Int32),
                ("used", DataType::Int64),
                ("capacity", DataType::Int64),
            ]);
            for status in &facts.nodes {
                let used: u64 = facts
                    .tables()
                    .flat_map(|(_, table)| table.segments.iter())
                    .filter(|s| facts.layout.node_of(s.slice) == status.node)
                    .map(|s| s.file.bytes)
                    .sum();
                t.row(vec![
                    int(status.node as i32),
                    big(megabytes(used)),
                    ScalarValue::Int64(status.disk.map(|d| megabytes(d.total))),
                ]);
            }
            t.finish()?
        }
        // A block per column of each segment (Redshift's are 1 MB pieces of a column on a slice).
        "svv_diskusage" => {
            let mut t = TableBuilder::new(&[
                ("name", DataType::Utf8),
                ("slice", DataType::Int32),
                ("col", DataType::Int32),
                ("tbl", DataType::Int32),
                ("blocknum", DataType::Int32),
                ("num_values", DataType::Int64),
                ("tombstone", DataType::Int32),
            ]);
            for (rel, table) in facts.tables() {
                let mut segments: Vec<&crate::storage::SegmentRef> = table.segments.iter().collect();
                segments.sort_by_key(|s| (s.slice, s.id()));
                for (col, _) in table.columns.iter().enumerate() {
                    let mut block = 0;
                    let mut previous_slice = None;
                    for segment in &segments {
                        if previous_slice != Some(segment.slice) {
                            (block, previous_slice) = (0, Some(segment.slice));
                        }
                        t.row(vec![
                            text(&rel.name),
                            int(segment.slice as i32),
                            int(col as i32),
                            int(relation_oid(rel)),
                            int(block),
                            big(segment.live_rows() as i64),
                            int(0),
                        ]);
                        block += 1;
                    }
                }
            }
            t.finish()?
        }
        "stl_query" => {
            let mut t = TableBuilder::new(&[
                ("userid", DataType::Int32),
                ("query", DataType::Int32),
                ("label", DataType::Utf8),
                ("xid", DataType::Int64),
                ("pid", DataType::Int32),
                ("database", DataType::Utf8),
                ("querytxt", DataType::Utf8),
                ("starttime", DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None)),
                ("endtime", DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None)),
                ("aborted", DataType::Int32),
            ]);
            for query in &facts.queries {
                let Some(outcome) = query.outcome() else { continue };
                t.row(vec![
                    int(query.user_id),
                    int(query.query),
                    text("default"),
                    big(query.xid),
                    int(query.pid),
                    text(DEFAULT_DATABASE),
                    text(&query.text),
                    timestamp(query.start),
                    timestamp(outcome.end),
                    int(outcome.aborted as i32),
                ]);
            }
            t.finish()?
        }
        "stl_connection_log" => {
            let mut t = TableBuilder::new(&[
                ("event", DataType::Utf8),
                ("recordtime", DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None)),
                ("remotehost", DataType::Utf8),
                ("remoteport", DataType::Utf8),
                ("pid", DataType::Int32),
                ("dbname", DataType::Utf8),
                ("username", DataType::Utf8),
                ("authmethod", DataType::Utf8),
                ("duration", DataType::Int64),
                ("sslversion", DataType::Utf8),
                ("application_name", DataType::Utf8),
                ("detail", DataType::Utf8),
            ]);
            for e in &facts.connections {
                t.row(vec![
                    text(e.event),
                    timestamp(e.time),
                    text(&e.remote.ip().to_string()),
                    text(&e.remote.port().to_string()),
                    int(e.pid),
                    text(&e.database),
                    text(&e.user),
                    text(&e.method),
                    big(e.duration_us),
                    text(&e.ssl_version),
                    text(&e.application),
                    text(&e.detail),
                ]);
            }
            t.finish()?
        }
        "stl_userlog" => {
            let mut t = TableBuilder::new(&[
                ("userid", DataType::Int32),
                ("username", DataType::Utf8),
                ("oldusername", DataType::Utf8),
                ("action", DataType::Utf8),
                ("usecreatedb", DataType::Int32),
                ("usesuper", DataType::Int32),
                ("usecatupd", DataType::Int32),
                ("valuntil", DataType::Utf8),
                ("pid", DataType::Int32),
                ("xid", DataType::Int64),
                ("recordtime", DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None)),
            ]);
            for e in &facts.user_events {
                t.row(vec![
                    int(e.user_id),
                    text(&e.user),
                    text(&e.old_user),
                    text(e.action),
                    int(e.create_db as i32),
                    int(e.superuser as i32),
                    int(e.superuser as i32),
                    opt_text(e.valid_until.as_deref()),
                    int(e.pid),
                    big(e.xid),
                    timestamp(e.time),
                ]);
            }
            t.finish()?
        }
        // Every statement (Redshift's newer view of its query history).
        "sys_query_history" => {
            let mut t = TableBuilder::new(&[
                ("user_id", DataType::Int32),
                ("query_id", DataType::Int64),
                ("transaction_id", DataType::Int64),
                ("session_id", DataType::Int32),
                ("database_name", DataType::Utf8),
                ("query_type", DataType::Utf8),
                ("status", DataType::Utf8),
                ("start_time", DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None)),
                ("end_time", DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None)),
                ("elapsed_time", DataType::Int64),
                ("error_message", DataType::Utf8),
                ("query_text", DataType::Utf8),
                ("user_name", DataType::Utf8),
            ]);
            for s in &facts.statements {
                let elapsed = s.end.duration_since(s.start).unwrap_or_default().as_micros() as i64;
                let error = s.error.as_ref().map(|(state, message)| format!("{message} (SQLSTATE {state})"));
                t.row(vec![
                    int(s.user_id),
                    big(s.query_id),
                    big(s.xid),
                    int(s.pid),
                    text(DEFAULT_DATABASE),
                    text(s.kind),
                    text(if s.error.is_some() { "failed" } else { "success" }),
                    timestamp(s.start),
                    timestamp(s.end),
                    big(elapsed),
                    opt_text(error.as_deref()),
                    text(&s.text),
                    text(&s.user),
                ]);
            }
            t.finish()?
        }
        // Redshift pads these to fixed CHAR widths; here they are VARCHARs.
        "stl_load_errors" => {
            let mut t = TableBuilder::new(&[
                ("userid", DataType::Int32),
                ("slice", DataType::Int32),
                ("tbl", DataType::Int32),
                ("starttime", DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None)),
                ("session", DataType::Int32),
                ("query", DataType::Int32),
                ("filename", DataType::Utf8),
                ("line_number", DataType::Int64),
                ("colname", DataType::Utf8),
                ("type", DataType::Utf8),
                ("col_length", DataType::Utf8),
                ("position", DataType::Int32),
                ("raw_line", DataType::Utf8),
                ("raw_field_value", DataType::Utf8),
                ("err_code", DataType::Int32),
                ("err_reason", DataType::Utf8),
            ]);
            for error in &facts.load_errors {
                let (name, type_name, length) = error.column.clone().unwrap_or_default();
                t.row(vec![
                    int(error.user_id),
                    int(0),
                    int(error.table_id as i32),
                    timestamp(error.start),
                    int(error.pid),
                    int(error.query),
                    text(&error.file),
                    big(error.reject.line as i64),
                    text(&name),
                    text(&type_name),
                    text(&length.to_string()),
                    int(0),
                    text(&error.reject.raw_line),
                    text(&error.reject.raw_value),
                    int(error.reject.kind.code()),
                    text(&error.reject.reason()),
                ]);
            }
            t.finish()?
        }
        // Times in microseconds; a step's figures are summed over its slices and nodes.
        "svl_query_summary" => {
            let mut t = TableBuilder::new(&[
                ("userid", DataType::Int32),
                ("query", DataType::Int32),
                ("stm", DataType::Int32),
                ("seg", DataType::Int32),
                ("step", DataType::Int32),
                ("maxtime", DataType::Int64),
                ("avgtime", DataType::Int64),
                ("rows", DataType::Int64),
                ("bytes", DataType::Int64),
                ("label", DataType::Utf8),
            ]);
            for query in facts.queries.iter().filter(|q| q.outcome().is_some()) {
                for step in query.steps() {
                    t.row(vec![
                        int(query.user_id),
                        int(query.query),
                        int(step.segment),
                        int(step.segment),
                        int(step.step),
                        big(step.time_us),
                        big(step.time_us),
                        big(step.rows),
                        big(step.bytes),
                        text(&step.label),
                    ]);
                }
            }
            t.finish()?
        }
        _ => return Ok(None),
    };
    Ok(Some(batch))
}
