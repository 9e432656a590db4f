//! The SQL standard's `information_schema` for the user's objects, with PostgreSQL's type names
//! (`character varying`, `numeric`, `timestamp without time zone`) as drivers expect.

use super::*;
use crate::catalog::DEFAULT_DATABASE;

pub(super) const TABLES: &[&str] = &["schemata", "tables", "columns", "views", "table_constraints", "key_column_usage"];

pub(super) fn build(name: &str, facts: &Facts) -> Result<RecordBatch> {
    let database = text(DEFAULT_DATABASE);
    match name {
        "schemata" => {
            let mut t = TableBuilder::new(&[
                ("catalog_name", DataType::Utf8),
                ("schema_name", DataType::Utf8),
                ("schema_owner", DataType::Utf8),
                ("default_character_set_catalog", DataType::Utf8),
                ("default_character_set_schema", DataType::Utf8),
                ("default_character_set_name", DataType::Utf8),
                ("sql_path", DataType::Utf8),
            ]);
            let system = ["pg_catalog", "information_schema"].map(|s| (s, DEFAULT_OWNER));
            let user = facts.state.schemas.values().map(|s| (s.name.as_str(), s.owner.as_str()));
            for (schema, owner) in system.into_iter().chain(user) {
                t.row(vec![
                    database.clone(),
                    text(schema),
                    text(owner),
                    null_text(),
                    null_text(),
                    null_text(),
                    null_text(),
                ]);
            }
            t.finish()
        }
        "tables" => {
            let mut t = TableBuilder::new(&[
                ("table_catalog", DataType::Utf8),
                ("table_schema", DataType::Utf8),
                ("table_name", DataType::Utf8),
                ("table_type", DataType::Utf8),
                ("self_referencing_column_name", DataType::Utf8),
                ("reference_generation", DataType::Utf8),
                ("user_defined_type_catalog", DataType::Utf8),
                ("user_defined_type_schema", DataType::Utf8),
                ("user_defined_type_name", DataType::Utf8),
                ("is_insertable_into", DataType::Utf8),
                ("is_typed", DataType::Utf8),
                ("commit_action", DataType::Utf8),
            ]);
            for rel in facts.relations() {
                let table = !rel.is_view();
                t.row(vec![
                    database.clone(),
                    text(&rel.schema),
                    text(&rel.name),
                    text(if table { "BASE TABLE" } else { "VIEW" }),
                    null_text(),
                    null_text(),
                    null_text(),
                    null_text(),
                    null_text(),
                    yes_no(table),
                    yes_no(false),
                    null_text(),
                ]);
            }
            t.finish()
        }
        "columns" => {
            let mut t = TableBuilder::new(&[
                ("table_catalog", DataType::Utf8),
                ("table_schema", DataType::Utf8),
                ("table_name", DataType::Utf8),
                ("column_name", DataType::Utf8),
                ("ordinal_position", DataType::Int32),
                ("column_default", DataType::Utf8),
                ("is_nullable", DataType::Utf8),
                ("data_type", DataType::Utf8),
                ("character_maximum_length", DataType::Int32),
                ("character_octet_length", DataType::Int32),
                ("numeric_precision", DataType::Int32),
                ("numeric_precision_radix", DataType::Int32),
                ("numeric_scale", DataType::Int32),
                ("datetime_precision", DataType::Int32),
                ("interval_type", DataType::Utf8),
                ("interval_precision", DataType::Int32),
                ("character_set_catalog", DataType::Utf8),
                ("character_set_schema", DataType::Utf8),
                ("character_set_name", DataType::Utf8),
                ("collation_catalog", DataType::Utf8),
                ("collation_schema", DataType::Utf8),
                ("collation_name", DataType::Utf8),
                ("domain_catalog", DataType::Utf8),
                ("domain_schema", DataType::Utf8),
                ("domain_name", DataType::Utf8),
                ("udt_catalog", DataType::Utf8),
                ("udt_schema", DataType::Utf8),
                ("udt_name", DataType::Utf8),
                ("scope_catalog", DataType::Utf8),
                ("scope_schema", DataType::Utf8),
                ("scope_name", DataType::Utf8),
                ("maximum_cardinality", DataType::Int32),
                ("dtd_identifier", DataType::Utf8),
                ("is_self_referencing", DataType::Utf8),
                ("is_identity", DataType::Utf8),
                ("identity_generation", DataType::Utf8),
                ("is_generated", DataType::Utf8),
                ("generation_expression", DataType::Utf8),
                ("is_updatable", DataType::Utf8),
            ]);
            for rel in facts.relations() {
                for c in facts.columns(rel) {
                    let (data_type, udt, f) = match c.sql_type {
                        Some(sql_type) => (sql_type.pg_name(), sql_type.pg_udt_name(), Some(sql_type.facts())),
                        None => ("text", "text", None),
                    };
                    let fact = |get: fn(&crate::types::TypeFacts) -> Option<i32>| opt_int(f.as_ref().and_then(get));
                    t.row(vec![
                        database.clone(),
                        text(&rel.schema),
                        text(&rel.name),
                        text(c.name),
                        int(c.position as i32),
                        opt_text(c.default.as_deref()),
                        yes_no(!c.not_null),
                        text(data_type),
                        fact(|f| f.character_maximum_length),
                        fact(|f| f.character_maximum_length.map(|n| n * 4)),
                        fact(|f| f.numeric_precision),
                        fact(|f| f.numeric_precision_radix),
                        fact(|f| f.numeric_scale),
                        fact(|f| f.datetime_precision),
                        null_text(),
                        opt_int(None),
                        null_text(),
                        null_text(),
                        null_text(),
                        null_text(),
                        null_text(),
                        null_text(),
                        null_text(),
                        null_text(),
                        null_text(),
                        database.clone(),
                        text("pg_catalog"),
                        text(udt),
                        null_text(),
                        null_text(),
                        null_text(),
                        opt_int(None),
                        text(&c.position.to_string()),
                        yes_no(false),
                        yes_no(!c.identity.is_empty()),
                        opt_text(match c.identity {
                            "a" => Some("ALWAYS"),
                            "d" => Some("BY DEFAULT"),
                            _ => None,
                        }),
                        text("NEVER"),
                        null_text(),
                        yes_no(!rel.is_view()),
                    ]);
                }
            }
            t.finish()
        }
        "views" => {
            let mut t = TableBuilder::new(&[
                ("table_catalog", DataType::Utf8),
                ("table_schema", DataType::Utf8),
                ("table_name", DataType::Utf8),
                ("view_definition", DataType::Utf8),
                ("check_option", DataType::Utf8),
                ("is_updatable", DataType::Utf8),
                ("is_insertable_into", DataType::Utf8),
                ("is_trigger_updatable", DataType::Utf8),
                ("is_trigger_deletable", DataType::Utf8),
                ("is_trigger_insertable_into", DataType::Utf8),
            ]);
            for rel in facts.relations() {
                if let RelationKind::View(view) = &rel.kind {
                    let mut row =
                        vec![database.clone(), text(&rel.schema), text(&rel.name), text(&view.text), text("NONE")];
                    row.extend((0..5).map(|_| yes_no(false)));
                    t.row(row);
                }
            }
            t.finish()
        }
        "table_constraints" => {
            let mut t = TableBuilder::new(&constraint_columns(&[
                ("constraint_type", DataType::Utf8),
                ("is_deferrable", DataType::Utf8),
                ("initially_deferred", DataType::Utf8),
                ("enforced", DataType::Utf8),
            ]));
            for (rel, table) in facts.tables() {
                for c in constraints(rel, table) {
                    let mut row = constraint_location(rel, &c);
                    // Redshift keeps constraints as information for the planner only.
                    row.extend([text(c.standard_type()), yes_no(false), yes_no(false), yes_no(false)]);
                    t.row(row);
                }
            }
            t.finish()
        }
        "key_column_usage" => {
            let mut t = TableBuilder::new(&constraint_columns(&[
                ("column_name", DataType::Utf8),
                ("ordinal_position", DataType::Int32),
                ("position_in_unique_constraint", DataType::Int32),
            ]));
            for (rel, table) in facts.tables() {
                for c in constraints(rel, table).into_iter().filter(|c| c.kind != "c") {
                    for (i, position) in c.columns.iter().enumerate() {
                        let mut row = constraint_location(rel, &c);
                        row.extend([
                            text(&table.columns[*position as usize - 1].name),
                            int(i as i32 + 1),
                            opt_int(None),
                        ]);
                        t.row(row);
                    }
                }
            }
            t.finish()
        }
        other => {
            Err(datafusion::error::DataFusionError::Internal(format!("information_schema.{other} has no builder")))
        }
    }
}

/// The columns naming a constraint and its table, then `rest`.
fn constraint_columns(rest: &[(&'static str, DataType)]) -> Vec<(&'static str, DataType)> {
    let mut columns: Vec<(&str, DataType)> =
        ["constraint_catalog", "constraint_schema", "constraint_name", "table_catalog", "table_schema", "table_name"]
            .into_iter()
            .map(|name| (name, DataType::Utf8))
            .collect();
    columns.extend_from_slice(rest);
    columns
}

fn constraint_location(rel: &Relation, constraint: &ConstraintFacts) -> Vec<ScalarValue> {
    let database = text(DEFAULT_DATABASE);
    vec![database.clone(), text(&rel.schema), text(&constraint.name), database, text(&rel.schema), text(&rel.name)]
}
