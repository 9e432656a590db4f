//! PostgreSQL's catalog tables for the user's objects, with Redshift's extra columns
//! (`reldiststyle`, `attisdistkey`, `attsortkeyord`, `attencodingtype`).

use super::*;
use crate::catalog::{AutoPlacement, Distribution, Privileges};

/// Redshift's `pg_class.reldiststyle` codes.
fn diststyle_code(distribution: &Distribution) -> i32 {
    match distribution {
        Distribution::Even => 0,
        Distribution::Key(_) => 1,
        Distribution::All => 8,
        Distribution::Auto(AutoPlacement::All) => 10,
        Distribution::Auto(AutoPlacement::Even) => 11,
    }
}

/// One `pg_class` row's facts.
struct ClassRow<'a> {
    oid: i32,
    /// `relacl`: the grants, as `aclitem` texts (`None`: nothing granted).
    acl: Option<Vec<String>>,
    row_security: bool,
    name: String,
    schema: &'a str,
    owner: &'a str,
    kind: &'static str,
    columns: usize,
    rows: f64,
    has_index: bool,
    diststyle: i32,
}

pub(super) fn build(name: &str, facts: &Facts) -> Result<Option<RecordBatch>> {
    let batch = match name {
        "pg_namespace" => {
            let mut t = TableBuilder::new(&[
                ("oid", DataType::Int32),
                ("nspname", DataType::Utf8),
                ("nspowner", DataType::Int32),
                ("nspacl", DataType::Utf8),
            ]);
            for system in ["pg_catalog", "information_schema"] {
                t.row(vec![int(schema_oid(system)), text(system), int(BUILTIN_OWNER_ID), null_text()]);
            }
            for schema in facts.state.schemas.values() {
                let acl = schema.acl.to_text(&schema.owner, Privileges::ALL_SCHEMA);
                t.row(vec![
                    int(schema_oid(&schema.name)),
                    text(&schema.name),
                    int(facts.user_id(&schema.owner)),
                    opt_text(acl.as_deref()),
                ]);
            }
            t.finish()?
        }
        "pg_class" => {
            let mut t = TableBuilder::new(&[
                ("oid", DataType::Int32),
                ("relname", DataType::Utf8),
                ("relnamespace", DataType::Int32),
                ("reltype", DataType::Int32),
                ("reloftype", DataType::Int32),
                ("relowner", DataType::Int32),
                ("relam", DataType::Int32),
                ("relfilenode", DataType::Int32),
                ("reltablespace", DataType::Int32),
                ("relpages", DataType::Int32),
                ("reltuples", DataType::Float64),
                ("relallvisible", DataType::Int32),
                ("reltoastrelid", DataType::Int32),
                ("relhasindex", DataType::Boolean),
                ("relisshared", DataType::Boolean),
                ("relpersistence", DataType::Utf8),
                ("relkind", DataType::Utf8),
                ("relnatts", DataType::Int16),
                ("relchecks", DataType::Int16),
                ("relhasoids", DataType::Boolean),
                ("relhaspkey", DataType::Boolean),
                ("relhasrules", DataType::Boolean),
                ("relhastriggers", DataType::Boolean),
                ("relhassubclass", DataType::Boolean),
                ("relrowsecurity", DataType::Boolean),
                ("relforcerowsecurity", DataType::Boolean),
                ("relispopulated", DataType::Boolean),
                ("relreplident", DataType::Utf8),
                ("relispartition", DataType::Boolean),
                ("relfrozenxid", DataType::Int32),
                ("relminmxid", DataType::Int32),
                ("relacl", list_type(DataType::Utf8)),
                ("reloptions", DataType::Utf8),
                ("relpartbound", DataType::Utf8),
                ("reldiststyle", DataType::Int32),
            ]);
            let mut class_rows = vec![];
            for rel in facts.relations() {
                let common = |oid, name: &str, kind, columns, rows, has_index, diststyle| ClassRow {
                    oid,
                    acl: rel.acl.items(&rel.owner, Privileges::ALL_TABLE),
                    row_security: rel.row_level_security.is_some(),
                    name: name.to_string(),
                    schema: &rel.schema,
                    owner: &rel.owner,
                    kind,
                    columns,
                    rows,
                    has_index,
                    diststyle,
                };
                match &rel.kind {
                    RelationKind::Table(table) => {
                        let has_key = !table.primary_key.is_empty();
                        class_rows.push(common(
                            relation_oid(rel),
                            &rel.name,
                            "r",
                            table.columns.len(),
                            table.live_rows() as f64,
                            has_key,
                            diststyle_code(&table.distribution),
                        ));
                        // The primary key's index, which pg_index and drivers' key queries join to.
                        if let Some(key) = primary_key(rel, table) {
                            class_rows.push(common(
                                primary_key_index_oid(rel),
                                &key.name,
                                "i",
                                key.columns.len(),
                                0.0,
                                false,
                                0,
                            ));
                        }
                    }
                    RelationKind::View(_) => {
                        class_rows.push(common(relation_oid(rel), &rel.name, "v", 0, 0.0, false, 0))
                    }
                    RelationKind::External(_) => {}
                }
            }
            // The catalog's own relations, under PostgreSQL's oids: clients name them in
            // `'pg_class'::regclass` (pgJDBC joins comments with `classoid = 'pg_class'::regclass`).
            for (name, oid) in SYSTEM_RELATION_OIDS {
                class_rows.push(ClassRow {
                    oid: *oid,
                    acl: None,
                    row_security: false,
                    name: name.to_string(),
                    schema: "pg_catalog",
                    owner: crate::catalog::DEFAULT_OWNER,
                    kind: "r",
                    columns: 0,
                    rows: 0.0,
                    has_index: false,
                    diststyle: 0,
                });
            }
            for row in class_rows {
                let has_pkey = row.has_index;
                t.row(vec![
                    int(row.oid),
                    text(&row.name),
                    int(schema_oid(row.schema)),
                    int(0),
                    int(0),
                    int(facts.user_id(row.owner)),
                    int(if row.kind == "i" { 403 } else { 0 }),
                    int(row.oid),
                    int(0),
                    int(0),
                    ScalarValue::Float64(Some(row.rows)),
                    int(0),
                    int(0),
                    flag(row.has_index),
                    flag(false),
                    text("p"),
                    text(row.kind),
                    small(row.columns as i16),
                    small(0),
                    flag(false),
                    flag(has_pkey),
                    flag(row.kind == "v"),
                    flag(false),
                    flag(false),
                    flag(row.row_security),
                    flag(false),
                    flag(true),
                    text("d"),
                    flag(false),
                    int(0),
                    int(0),
                    text_list(row.acl.as_deref())?,
                    null_text(),
                    null_text(),
                    int(row.diststyle),
                ]);
            }
            t.finish()?
        }
        "pg_attribute" => {
            let mut t = TableBuilder::new(&[
                ("attrelid", DataType::Int32),
                ("attname", DataType::Utf8),
                ("atttypid", DataType::Int32),
                ("attstattarget", DataType::Int32),
                ("attlen", DataType::Int16),
                ("attnum", DataType::Int16),
                ("attndims", DataType::Int32),
                ("attcacheoff", DataType::Int32),
                ("atttypmod", DataType::Int32),
                ("attbyval", DataType::Boolean),
                ("attalign", DataType::Utf8),
                ("attstorage", DataType::Utf8),
                ("attnotnull", DataType::Boolean),
                ("atthasdef", DataType::Boolean),
                ("atthasmissing", DataType::Boolean),
                ("attidentity", DataType::Utf8),
                ("attgenerated", DataType::Utf8),
                ("attisdropped", DataType::Boolean),
                ("attislocal", DataType::Boolean),
                ("attinhcount", DataType::Int32),
                ("attcollation", DataType::Int32),
                ("attacl", DataType::Utf8),
                ("attoptions", DataType::Utf8),
                ("attfdwoptions", DataType::Utf8),
                ("attisdistkey", DataType::Boolean),
                ("attsortkeyord", DataType::Int32),
                ("attencodingtype", DataType::Int16),
            ]);
            let mut attribute = |relid: i32, position: i16, c: &ColumnFacts| {
                let (len, typmod) = c.sql_type.map_or((-1, -1), |t| (t.pg_len(), t.pg_typmod()));
                t.row(vec![
                    int(relid),
                    text(c.name),
                    int(c.type_oid()),
                    int(-1),
                    small(len),
                    small(position),
                    int(0),
                    int(-1),
                    int(typmod),
                    flag(len > 0),
                    text("i"),
                    text(if len > 0 { "p" } else { "x" }),
                    flag(c.not_null),
                    flag(c.default.is_some()),
                    flag(false),
                    text(c.identity),
                    text(""),
                    flag(false),
                    flag(true),
                    int(0),
                    int(0),
                    null_text(),
                    null_text(),
                    null_text(),
                    flag(c.distkey),
                    int(c.sort_position),
                    small(c.encoding as i16),
                ]);
            };
            for rel in facts.relations() {
                let columns = facts.columns(rel);
                for c in &columns {
                    attribute(relation_oid(rel), c.position, c);
                }
                // The primary key index's columns, numbered within the index.
                if let Some(table) = rel.table() {
                    for (i, id) in table.primary_key.iter().enumerate() {
                        if let Some(p) = table.columns.iter().position(|c| c.id == *id) {
                            attribute(primary_key_index_oid(rel), i as i16 + 1, &columns[p]);
                        }
                    }
                }
            }
            t.finish()?
        }
        "pg_attrdef" => {
            let mut t = TableBuilder::new(&[
                ("oid", DataType::Int32),
                ("adrelid", DataType::Int32),
                ("adnum", DataType::Int16),
                ("adbin", DataType::Utf8),
                ("adsrc", DataType::Utf8),
            ]);
            for (rel, _) in facts.tables() {
                for c in facts.columns(rel) {
                    if let Some(default) = &c.default {
                        let oid = relation_oid(rel) * 1000 + c.position as i32;
                        t.row(vec![int(oid), int(relation_oid(rel)), small(c.position), text(default), text(default)]);
                    }
                }
            }
            t.finish()?
        }
        "pg_index" => {
            let mut t = TableBuilder::new(&[
                ("indexrelid", DataType::Int32),
                ("indrelid", DataType::Int32),
                ("indnatts", DataType::Int16),
                ("indnkeyatts", DataType::Int16),
                ("indisunique", DataType::Boolean),
                ("indnullsnotdistinct", DataType::Boolean),
                ("indisprimary", DataType::Boolean),
                ("indisexclusion", DataType::Boolean),
                ("indimmediate", DataType::Boolean),
                ("indisclustered", DataType::Boolean),
                ("indisvalid", DataType::Boolean),
                ("indcheckxmin", DataType::Boolean),
                ("indisready", DataType::Boolean),
                ("indislive", DataType::Boolean),
                ("indisreplident", DataType::Boolean),
                ("indkey", DataType::Utf8),
                ("indcollation", DataType::Utf8),
                ("indclass", DataType::Utf8),
                ("indoption", DataType::Utf8),
                ("indexprs", DataType::Utf8),
                ("indpred", DataType::Utf8),
            ])
            .with_pg_type("indkey", INT2VECTOR_OID)
            .with_pg_type("indoption", INT2VECTOR_OID)
            .with_pg_type("indcollation", OIDVECTOR_OID)
            .with_pg_type("indclass", OIDVECTOR_OID);
            for (rel, table) in facts.tables() {
                let Some(key) = primary_key(rel, table) else { continue };
                let count = key.columns.len() as i16;
                // int2vector's text form: positions separated by spaces.
                let vector =
                    |v: &dyn Fn(i16) -> String| key.columns.iter().map(|p| v(*p)).collect::<Vec<_>>().join(" ");
                t.row(vec![
                    int(primary_key_index_oid(rel)),
                    int(relation_oid(rel)),
                    small(count),
                    small(count),
                    flag(true),
                    flag(false),
                    flag(true),
                    flag(false),
                    flag(true),
                    flag(false),
                    flag(true),
                    flag(false),
                    flag(true),
                    flag(true),
                    flag(false),
                    text(&vector(&|p| p.to_string())),
                    text(&vector(&|_| "0".into())),
                    text(&vector(&|_| "0".into())),
                    text(&vector(&|_| "0".into())),
                    null_text(),
                    null_text(),
                ]);
            }
            t.finish()?
        }
        "pg_constraint" => {
            let mut t = TableBuilder::new(&[
                ("oid", DataType::Int32),
                ("conname", DataType::Utf8),
                ("connamespace", DataType::Int32),
                ("contype", DataType::Utf8),
                ("condeferrable", DataType::Boolean),
                ("condeferred", DataType::Boolean),
                ("convalidated", DataType::Boolean),
                ("conrelid", DataType::Int32),
                ("contypid", DataType::Int32),
                ("conindid", DataType::Int32),
                ("conparentid", DataType::Int32),
                ("confrelid", DataType::Int32),
                ("confupdtype", DataType::Utf8),
                ("confdeltype", DataType::Utf8),
                ("confmatchtype", DataType::Utf8),
                ("conislocal", DataType::Boolean),
                ("coninhcount", DataType::Int16),
                ("connoinherit", DataType::Boolean),
                ("conkey", list_type(DataType::Int16)),
                ("confkey", DataType::Utf8),
                ("conpfeqop", DataType::Utf8),
                ("conppeqop", DataType::Utf8),
                ("conffeqop", DataType::Utf8),
                ("confdelsetcols", DataType::Utf8),
                ("conexclop", DataType::Utf8),
                ("conbin", DataType::Utf8),
                ("consrc", DataType::Utf8),
            ]);
            for (rel, table) in facts.tables() {
                for c in constraints(rel, table) {
                    let foreign = c.kind == "f";
                    t.row(vec![
                        int(c.oid),
                        text(&c.name),
                        int(schema_oid(&rel.schema)),
                        text(c.kind),
                        flag(false),
                        flag(false),
                        flag(true),
                        int(relation_oid(rel)),
                        int(0),
                        int(if c.kind == "p" { primary_key_index_oid(rel) } else { 0 }),
                        int(0),
                        int(0),
                        text(if foreign { "a" } else { " " }),
                        text(if foreign { "a" } else { " " }),
                        text(if foreign { "s" } else { " " }),
                        flag(true),
                        small(0),
                        flag(true),
                        small_list(&c.columns),
                        null_text(),
                        null_text(),
                        null_text(),
                        null_text(),
                        null_text(),
                        null_text(),
                        null_text(),
                        opt_text((c.kind == "c").then_some(c.definition.as_str())),
                    ]);
                }
            }
            t.finish()?
        }
        // COMMENT ON tables, views and columns.
        "pg_description" => {
            let mut t = TableBuilder::new(&[
                ("objoid", DataType::Int32),
                ("classoid", DataType::Int32),
                ("objsubid", DataType::Int32),
                ("description", DataType::Utf8),
            ]);
            for (oid, subid, description) in descriptions(facts.relations()) {
                t.row(vec![int(oid), int(PG_CLASS_OID), int(subid), text(description)]);
            }
            t.finish()?
        }
        // A view's rule, and what it depends on: itself ('i') and the relations it reads ('n'),
        // as dbt and pg_dump read view dependencies. Late-binding views depend on nothing.
        "pg_rewrite" => {
            let mut t = TableBuilder::new(&[
                ("oid", DataType::Int32),
                ("rulename", DataType::Utf8),
                ("ev_class", DataType::Int32),
                ("ev_type", DataType::Utf8),
                ("ev_enabled", DataType::Utf8),
                ("is_instead", DataType::Boolean),
                ("ev_qual", DataType::Utf8),
                ("ev_action", DataType::Utf8),
            ]);
            for rel in facts.relations() {
                if let RelationKind::View(view) = &rel.kind {
                    t.row(vec![
                        int(rewrite_oid(rel)),
                        text("_RETURN"),
                        int(relation_oid(rel)),
                        text("1"),
                        text("O"),
                        flag(true),
                        null_text(),
                        text(&view.sql),
                    ]);
                }
            }
            t.finish()?
        }
        "pg_depend" => {
            let mut t = TableBuilder::new(&[
                ("classid", DataType::Int32),
                ("objid", DataType::Int32),
                ("objsubid", DataType::Int32),
                ("refclassid", DataType::Int32),
                ("refobjid", DataType::Int32),
                ("refobjsubid", DataType::Int32),
                ("deptype", DataType::Utf8),
            ]);
            for rel in facts.relations() {
                let RelationKind::View(view) = &rel.kind else { continue };
                let depends = |on: i32, kind: &str| {
                    vec![
                        int(PG_REWRITE_OID),
                        int(rewrite_oid(rel)),
                        int(0),
                        int(PG_CLASS_OID),
                        int(on),
                        int(0),
                        text(kind),
                    ]
                };
                t.row(depends(relation_oid(rel), "i"));
                for table in view.depends_on.iter().filter_map(|id| facts.state.relation(*id)) {
                    t.row(depends(relation_oid(table), "n"));
                }
            }
            t.finish()?
        }
        "pg_tables" | "pg_views" => {
            let tables = name == "pg_tables";
            let mut t = if tables {
                TableBuilder::new(&[
                    ("schemaname", DataType::Utf8),
                    ("tablename", DataType::Utf8),
                    ("tableowner", DataType::Utf8),
                    ("tablespace", DataType::Utf8),
                    ("hasindexes", DataType::Boolean),
                    ("hasrules", DataType::Boolean),
                    ("hastriggers", DataType::Boolean),
                    ("rowsecurity", DataType::Boolean),
                ])
            } else {
                TableBuilder::new(&[
                    ("schemaname", DataType::Utf8),
                    ("viewname", DataType::Utf8),
                    ("viewowner", DataType::Utf8),
                    ("definition", DataType::Utf8),
                ])
            };
            for rel in facts.relations() {
                match (&rel.kind, tables) {
                    (RelationKind::Table(table), true) => t.row(vec![
                        text(&rel.schema),
                        text(&rel.name),
                        text(&rel.owner),
                        null_text(),
                        flag(!table.primary_key.is_empty()),
                        flag(false),
                        flag(false),
                        flag(false),
                    ]),
                    (RelationKind::View(view), false) => {
                        t.row(vec![text(&rel.schema), text(&rel.name), text(&rel.owner), text(&view.text)])
                    }
                    _ => {}
                }
            }
            t.finish()?
        }
        // The session's parameters as SHOW gives them.
        "pg_settings" => {
            let mut t = TableBuilder::new(&[
                ("name", DataType::Utf8),
                ("setting", DataType::Utf8),
                ("unit", DataType::Utf8),
                ("category", DataType::Utf8),
                ("short_desc", DataType::Utf8),
                ("context", DataType::Utf8),
                ("vartype", DataType::Utf8),
                ("source", DataType::Utf8),
                ("boot_val", DataType::Utf8),
                ("reset_val", DataType::Utf8),
                ("pending_restart", DataType::Boolean),
            ]);
            for (key, name, default) in crate::leader::settings::DEFAULT_SETTINGS {
                let value = facts.settings.get(*key).map_or(*default, String::as_str);
                let fixed = matches!(
                    *key,
                    "server_version" | "server_encoding" | "integer_datetimes" | "max_identifier_length"
                );
                t.row(vec![
                    text(name),
                    text(value),
                    opt_text((*key == "statement_timeout").then_some("ms")),
                    text(if fixed { "Preset Options" } else { "Client Connection Defaults" }),
                    null_text(),
                    text(if fixed { "internal" } else { "user" }),
                    text(if *key == "statement_timeout" { "integer" } else { "string" }),
                    text(if value == *default { "default" } else { "session" }),
                    text(default),
                    text(default),
                    flag(false),
                ]);
            }
            t.finish()?
        }
        // Redshift's one database.
        "pg_database" => {
            let mut t = TableBuilder::new(&[
                ("oid", DataType::Int32),
                ("datname", DataType::Utf8),
                ("datdba", DataType::Int32),
                ("encoding", DataType::Int32),
                ("datcollate", DataType::Utf8),
                ("datctype", DataType::Utf8),
                ("datistemplate", DataType::Boolean),
                ("datallowconn", DataType::Boolean),
                ("datconnlimit", DataType::Int32),
                ("dattablespace", DataType::Int32),
                ("datacl", list_type(DataType::Utf8)),
            ]);
            t.row(vec![
                int(DATABASE_OID),
                text(crate::catalog::DEFAULT_DATABASE),
                int(BUILTIN_OWNER_ID),
                int(UTF8_ENCODING),
                text("C"),
                text("C"),
                flag(false),
                flag(true),
                int(-1),
                int(1663),
                null_text_list()?,
            ]);
            t.finish()?
        }
        "pg_user" => {
            let mut t = TableBuilder::new(&[
                ("usename", DataType::Utf8),
                ("usesysid", DataType::Int32),
                ("usecreatedb", DataType::Boolean),
                ("usesuper", DataType::Boolean),
                ("usecatupd", DataType::Boolean),
                ("userepl", DataType::Boolean),
                ("passwd", DataType::Utf8),
                ("valuntil", DataType::Utf8),
                ("useconfig", DataType::Utf8),
            ]);
            for user in facts.state.users.values() {
                t.row(vec![
                    text(&user.name),
                    int(user.id as i32),
                    flag(user.create_db),
                    flag(user.superuser),
                    flag(user.superuser),
                    flag(false),
                    text("********"),
                    opt_text(user.valid_until.as_deref()),
                    null_text(),
                ]);
            }
            t.finish()?
        }
        "pg_default_acl" => {
            let mut t = TableBuilder::new(&[
                ("defacluser", DataType::Int32),
                ("defaclnamespace", DataType::Int32),
                ("defaclobjtype", DataType::Utf8),
                ("defaclacl", list_type(DataType::Utf8)),
            ]);
            for default in &facts.state.default_acls {
                let items: Vec<String> = default
                    .acl
                    .items(&default.owner, Privileges::NONE)
                    .unwrap_or_default()
                    .into_iter()
                    .skip(1)
                    .collect();
                t.row(vec![
                    int(facts.user_id(&default.owner)),
                    int(default.schema.as_deref().map_or(0, schema_oid)),
                    text("r"),
                    text_list(Some(&items))?,
                ]);
            }
            t.finish()?
        }
        "pg_group" => {
            let mut t = TableBuilder::new(&[
                ("groname", DataType::Utf8),
                ("grosysid", DataType::Int32),
                ("grolist", list_type(DataType::Int32)),
            ]);
            for group in facts.state.groups.values() {
                let members: Vec<i32> = group.members.iter().map(|m| facts.user_id(m)).collect();
                t.row(vec![text(&group.name), int(group.id as i32), int_list(&members)]);
            }
            t.finish()?
        }
        _ => return Ok(None),
    };
    Ok(Some(batch))
}

/// (object oid, column number or 0, comment) of every comment on `relations` and their columns.
pub(super) fn descriptions<'a>(relations: impl Iterator<Item = &'a Arc<Relation>>) -> Vec<(i32, i32, &'a str)> {
    let mut out = vec![];
    for rel in relations {
        if let Some(comment) = &rel.comment {
            out.push((relation_oid(rel), 0, comment.as_str()));
        }
        for (i, column) in rel.table().map_or(&[][..], |t| &t.columns[..]).iter().enumerate() {
            if let Some(comment) = &column.comment {
                out.push((relation_oid(rel), i as i32 + 1, comment.as_str()));
            }
        }
    }
    out
}

/// PostgreSQL's oids for the catalog tables clients look up by name.
const SYSTEM_RELATION_OIDS: &[(&str, i32)] = &[
    ("pg_type", 1247),
    ("pg_attribute", 1249),
    ("pg_proc", 1255),
    ("pg_class", PG_CLASS_OID),
    ("pg_database", 1262),
    ("pg_attrdef", 2604),
    ("pg_constraint", 2606),
    ("pg_depend", 2608),
    ("pg_description", 2609),
    ("pg_index", 2610),
    ("pg_namespace", 2615),
    ("pg_rewrite", PG_REWRITE_OID),
];
