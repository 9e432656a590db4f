//! Translating CREATE TABLE into a catalog [`TableDef`]: Redshift types, constraints, IDENTITY,
//! DEFAULT, ENCODE, distribution style and sort key, with Redshift's rules for combining them.

use crate::catalog::*;
use crate::err;
use crate::error::{Error, Result};
use crate::sql::parser::{ColumnAttributes, TableAttributes};
use crate::types::SqlType;
use datafusion::sql::sqlparser::ast::{ColumnDef, ColumnOption, Ident, ObjectName, TableConstraint};

/// Maximum columns in an interleaved sort key (Redshift's limit).
const MAX_INTERLEAVED_COLUMNS: usize = 8;

/// An identifier as Redshift folds it: unquoted names are lower-cased.
pub fn ident_name(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_ascii_lowercase(),
    }
}

/// `[dev.][schema.]name`, with `public` as the default schema.
pub fn qualified_name(name: &ObjectName) -> Result<QualifiedName> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| p.as_ident().map(ident_name).ok_or_else(|| Error::syntax(format!("invalid name {name}"))))
        .collect::<Result<_>>()?;
    qualified_parts(&parts)
}

/// A name from its (already normalised) dotted parts.
pub fn qualified_parts(parts: &[String]) -> Result<QualifiedName> {
    match parts {
        [n] => Ok(QualifiedName { schema: DEFAULT_SCHEMA.into(), name: n.clone() }),
        [s, n] => Ok(QualifiedName { schema: s.clone(), name: n.clone() }),
        [d, s, n] if d == DEFAULT_DATABASE => Ok(QualifiedName { schema: s.clone(), name: n.clone() }),
        [d, _, _] => Err(err!(FEATURE_NOT_SUPPORTED, "cross-database reference to \"{d}\" is not supported")),
        _ => Err(Error::syntax(format!("improper qualified name (too many dotted names): {}", parts.join(".")))),
    }
}

/// One column definition; `primary_key` is set when the column carries PRIMARY KEY.
pub fn column(def: &ColumnDef, id: ColumnId, attrs: Option<&ColumnAttributes>) -> Result<(Column, bool, Vec<String>)> {
    let name = ident_name(&def.name);
    let sql_type = SqlType::from_ast(&def.data_type)?;
    let mut column = Column {
        id,
        name: name.clone(),
        sql_type,
        not_null: false,
        default: None,
        identity: None,
        encoding: Encoding::Auto,
        missing: None,
        comment: None,
        acl: Default::default(),
    };
    let mut primary_key = false;
    let mut constraints = vec![];
    for option in &def.options {
        match &option.option {
            ColumnOption::NotNull => column.not_null = true,
            ColumnOption::Null => {}
            ColumnOption::Default(expr) => column.default = Some(expr.to_string()),
            ColumnOption::PrimaryKey(_) => {
                primary_key = true;
                column.not_null = true;
            }
            ColumnOption::Unique(_) => constraints.push(format!("UNIQUE ({name})")),
            ColumnOption::ForeignKey(fk) => {
                constraints.push(format!("FOREIGN KEY ({name}) REFERENCES {}", fk.foreign_table))
            }
            ColumnOption::Collation(_) | ColumnOption::Comment(_) => {}
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "column option {other} is not supported")),
        }
    }
    if let Some(attrs) = attrs {
        if let Some(encode) = &attrs.encode {
            column.encoding = Encoding::parse(encode)?;
        }
        if let Some((seed, step, by_default)) = attrs.identity {
            if !matches!(sql_type, SqlType::Integer | SqlType::BigInt | SqlType::SmallInt) {
                return Err(err!(
                    INVALID_TABLE_DEFINITION,
                    "IDENTITY column \"{name}\" must be of type SMALLINT, INTEGER or BIGINT"
                ));
            }
            if column.default.is_some() {
                return Err(err!(INVALID_TABLE_DEFINITION, "column \"{name}\" cannot have both IDENTITY and DEFAULT"));
            }
            column.identity = Some(Identity { seed, step, next: seed, by_default });
        }
    }
    Ok((column, primary_key, constraints))
}

/// Builds a table definition from CREATE TABLE's columns, constraints and Redshift attributes.
pub fn table_def(defs: &[ColumnDef], constraints: &[TableConstraint], attrs: &TableAttributes) -> Result<TableDef> {
    let mut columns: Vec<Column> = vec![];
    let mut primary_key = vec![];
    let mut constraint_text = vec![];
    for (i, def) in defs.iter().enumerate() {
        let name = ident_name(&def.name);
        if columns.iter().any(|c| c.name == name) {
            return Err(err!(DUPLICATE_COLUMN, "column \"{name}\" specified more than once"));
        }
        let (column, pk, extra) = column(def, i as ColumnId, attrs.columns.get(&name))?;
        if pk {
            primary_key.push(column.id);
        }
        constraint_text.extend(extra);
        columns.push(column);
    }
    if columns.is_empty() {
        return Err(err!(INVALID_TABLE_DEFINITION, "a table must have at least one column"));
    }
    for constraint in constraints {
        match constraint {
            TableConstraint::PrimaryKey(pk) => {
                for c in &pk.columns {
                    let name = expr_column_name(&c.column.expr.to_string());
                    let column = columns
                        .iter_mut()
                        .find(|col| col.name == name)
                        .ok_or_else(|| err!(UNDEFINED_COLUMN, "column \"{name}\" named in key does not exist"))?;
                    column.not_null = true;
                    primary_key.push(column.id);
                }
            }
            other => constraint_text.push(other.to_string()),
        }
    }
    let distribution = distribution(&columns, attrs)?;
    let sort_key = sort_key(&columns, attrs)?;
    let mut table = TableDef::new(columns, distribution, sort_key);
    table.primary_key = primary_key;
    table.constraints = constraint_text;
    Ok(table)
}

fn expr_column_name(text: &str) -> String {
    if text.starts_with('"') {
        text.trim_matches('"').to_string()
    } else {
        text.to_ascii_lowercase()
    }
}

fn find(columns: &[Column], name: &str) -> Result<ColumnId> {
    columns
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.id)
        .ok_or_else(|| err!(UNDEFINED_COLUMN, "column \"{name}\" does not exist"))
}

/// Redshift's rules: DISTKEY alone means KEY; KEY needs a DISTKEY; EVEN/ALL take none; neither
/// means AUTO.
pub fn distribution(columns: &[Column], attrs: &TableAttributes) -> Result<Distribution> {
    let column_keys: Vec<&String> = attrs.columns.iter().filter(|(_, a)| a.distkey).map(|(n, _)| n).collect();
    if column_keys.len() > 1 || (!column_keys.is_empty() && attrs.distkey.is_some()) {
        return Err(err!(INVALID_TABLE_DEFINITION, "a table can have only one DISTKEY column"));
    }
    let key = attrs.distkey.as_ref().or(column_keys.first().copied());
    match (attrs.diststyle.as_deref(), key) {
        (None | Some("KEY"), Some(name)) => Ok(Distribution::Key(find(columns, name)?)),
        (Some("KEY"), None) => Err(err!(INVALID_TABLE_DEFINITION, "DISTSTYLE KEY requires a DISTKEY column")),
        (Some(style), Some(_)) => {
            Err(err!(INVALID_TABLE_DEFINITION, "DISTSTYLE {style} cannot be combined with a DISTKEY"))
        }
        (Some("EVEN"), None) => Ok(Distribution::Even),
        (Some("ALL"), None) => Ok(Distribution::All),
        (Some("AUTO") | None, None) => Ok(Distribution::Auto(AutoPlacement::All)),
        (Some(other), None) => Err(Error::syntax(format!("unknown DISTSTYLE {other}"))),
    }
}

pub fn sort_key(columns: &[Column], attrs: &TableAttributes) -> Result<Option<SortKey>> {
    let mut column_keys: Vec<&String> = vec![];
    // Column-level SORTKEY marks follow column order.
    for c in columns {
        if attrs.columns.get(&c.name).is_some_and(|a| a.sortkey) {
            column_keys.push(&c.name);
        }
    }
    let (kind, names): (SortKind, Vec<&String>) = match (&attrs.sortkey, column_keys.is_empty()) {
        (Some(_), false) => {
            return Err(err!(INVALID_TABLE_DEFINITION, "SORTKEY given both on columns and on the table"))
        }
        (Some((kind, names)), true) => (*kind, names.iter().collect()),
        (None, false) => (SortKind::Compound, column_keys),
        (None, true) => return Ok(None),
    };
    if kind == SortKind::Interleaved && names.len() > MAX_INTERLEAVED_COLUMNS {
        return Err(err!(
            INVALID_TABLE_DEFINITION,
            "an INTERLEAVED SORTKEY can have at most {MAX_INTERLEAVED_COLUMNS} columns"
        ));
    }
    let ids = names.iter().map(|n| find(columns, n)).collect::<Result<Vec<_>>>()?;
    Ok(Some(SortKey { kind, columns: ids }))
}
