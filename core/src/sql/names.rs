//! Output column names as PostgreSQL and Redshift give them: an unaliased function call is named
//! after the function (`count`, `getdate`), a column after the column, a cast after what it casts,
//! anything else `?column?`. They are written into the statement as aliases (before Redshift
//! functions are rewritten, so `LEN(x)` is still named `len`), which carries them into results,
//! CREATE TABLE AS columns and views alike.

use crate::sql::ddl::ident_name;
use datafusion::sql::sqlparser::ast::{Expr, Ident, Query, SelectItem, SetExpr, Statement};
use std::collections::HashMap;

/// Separates a repeated output name from the number that keeps it unique inside the engine
/// (DataFusion needs unique names; PostgreSQL allows `SELECT 1, 1`). [`display_name`] removes it.
const REPEAT: char = '\u{E000}';

/// The name a client sees for an output column.
pub fn display_name(name: &str) -> &str {
    name.split(REPEAT).next().unwrap_or(name)
}

/// Gives the unaliased items of the outermost select lists of the statement's query (a SELECT's,
/// CREATE TABLE AS's, a view's, INSERT … SELECT's) their PostgreSQL names.
/// Repeated names are numbered after a private separator that [`display_name`] strips.
pub fn name_output_columns(statement: &mut Statement) {
    match statement {
        Statement::Query(query) => name_query(query),
        Statement::CreateTable(create) => {
            if let Some(query) = create.query.as_mut() {
                name_query(query);
            }
        }
        Statement::CreateView(view) => name_query(&mut view.query),
        // `INSERT … SELECT g, g`: the source's columns are projected onto the target by name.
        Statement::Insert(insert) => {
            if let Some(source) = insert.source.as_mut() {
                name_query(source);
            }
        }
        Statement::Explain { statement, .. } => name_output_columns(statement),
        _ => {}
    }
}

fn name_query(query: &mut Query) {
    name_set_expr(&mut query.body);
}

fn name_set_expr(body: &mut SetExpr) {
    match body {
        SetExpr::Select(select) => {
            let names: Vec<Option<String>> = select
                .projection
                .iter()
                .map(|item| match item {
                    SelectItem::UnnamedExpr(e) => Some(column_name(e)),
                    SelectItem::ExprWithAlias { alias, .. } => Some(ident_name(alias)),
                    _ => None,
                })
                .collect();
            if names.iter().any(Option::is_none) {
                return; // a wildcard: leave naming to the engine
            }
            let mut seen: HashMap<String, usize> = HashMap::new();
            for (item, name) in select.projection.iter_mut().zip(names.into_iter().flatten()) {
                let count = seen.entry(name.clone()).or_default();
                *count += 1;
                let SelectItem::UnnamedExpr(expr) = &*item else { continue };
                let is_column = matches!(expr, Expr::Identifier(_) | Expr::CompoundIdentifier(_));
                let alias = match *count {
                    1 if is_column => continue,
                    1 => name,
                    n => format!("{name}{REPEAT}{n}"),
                };
                *item = SelectItem::ExprWithAlias { expr: expr.clone(), alias: Ident::with_quote('"', alias) };
            }
        }
        // The first branch of a UNION names the columns.
        SetExpr::SetOperation { left, .. } => name_set_expr(left),
        SetExpr::Query(q) => name_query(q),
        _ => {}
    }
}

fn column_name(expr: &Expr) -> String {
    match expr {
        Expr::Identifier(i) => ident_name(i),
        Expr::CompoundIdentifier(parts) => parts.last().map(ident_name).unwrap_or_default(),
        Expr::Function(f) => f.name.0.last().and_then(|p| p.as_ident()).map(ident_name).unwrap_or_default(),
        Expr::Cast { expr, data_type, .. } => match expr.as_ref() {
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) | Expr::Function(_) | Expr::Cast { .. } => {
                column_name(expr)
            }
            _ => type_name(&data_type.to_string()),
        },
        Expr::Nested(inner) => column_name(inner),
        Expr::Case { .. } => "case".into(),
        Expr::Extract { .. } => "date_part".into(),
        Expr::Substring { .. } => "substring".into(),
        Expr::Trim { .. } => "btrim".into(),
        Expr::Position { .. } => "strpos".into(),
        Expr::Ceil { .. } => "ceil".into(),
        Expr::Floor { .. } => "floor".into(),
        _ => "?column?".into(),
    }
}

/// PostgreSQL's internal name of a type, as it names a cast constant.
fn type_name(sql: &str) -> String {
    let lower = sql.to_ascii_lowercase();
    let base = lower.split('(').next().unwrap_or("").trim();
    match base {
        "int" | "integer" | "int4" => "int4",
        "bigint" | "int8" => "int8",
        "smallint" | "int2" => "int2",
        "real" | "float4" => "float4",
        "double precision" | "float8" | "float" | "double" => "float8",
        "boolean" | "bool" => "bool",
        "varchar" | "character varying" | "nvarchar" | "text" => "varchar",
        "char" | "character" | "bpchar" | "nchar" => "bpchar",
        "decimal" | "numeric" => "numeric",
        "timestamp with time zone" | "timestamptz" => "timestamptz",
        other => return other.to_string(),
    }
    .to_string()
}
