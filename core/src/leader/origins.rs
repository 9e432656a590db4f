//! The Redshift type of a query's output columns that pass a table column through unchanged.
//!
//! Arrow has one string type, so `VARCHAR(40)` and `CHAR(3)` columns reach a plan's output as
//! plain `Utf8`. Clients read the declared length from the result's metadata (the typmod of
//! PostgreSQL's RowDescription: JDBC's `getPrecision`, ODBC's column size), and a view's columns
//! keep their table's types. Following each output column back through projections, filters,
//! sorts, joins and aliases to its table recovers it.

use crate::catalog::{CatalogState, QualifiedName, DEFAULT_SCHEMA};
use crate::types::SqlType;
use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::common::Column;
use datafusion::datasource::{source_as_provider, ViewTable};
use datafusion::logical_expr::{Expr, LogicalPlan};
use std::collections::HashMap;

/// Field metadata key holding the Redshift type of a column (`character varying(40)`).
pub const TYPE_METADATA: &str = "redwood.type";
/// Field metadata key holding the PostgreSQL type oid a system table column is reported as when
/// Arrow has no such type (`int2vector`, kept as text).
pub const PG_OID_METADATA: &str = "redwood.pg_oid";

/// The plan's output schema with each traced column's Redshift type in its metadata.
pub fn typed_schema(plan: &LogicalPlan, schema: &Schema, state: &CatalogState) -> Schema {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let column = plan.schema().qualified_field(i);
            match column_type(plan, &Column::from(column), state, 0) {
                Some(sql_type) if sql_type.arrow_type() == *field.data_type() => {
                    let mut metadata = field.metadata().clone();
                    metadata.insert(TYPE_METADATA.to_string(), sql_type.to_string());
                    field.as_ref().clone().with_metadata(metadata)
                }
                _ => field.as_ref().clone(),
            }
        })
        .collect();
    Schema::new_with_metadata(fields, HashMap::new())
}

/// The Redshift type recorded on a field by [`typed_schema`].
pub fn field_type(field: &Field) -> Option<SqlType> {
    field.metadata().get(TYPE_METADATA).and_then(|t| t.parse().ok())
}

/// Views within views are followed this deep.
const MAX_DEPTH: usize = 16;

fn column_type(plan: &LogicalPlan, column: &Column, state: &CatalogState, depth: usize) -> Option<SqlType> {
    if depth > MAX_DEPTH {
        return None;
    }
    let index = plan.schema().maybe_index_of_column(column)?;
    let recurse = |input: &LogicalPlan, column: &Column| column_type(input, column, state, depth + 1);
    let input_column = |input: &LogicalPlan, i: usize| Column::from(input.schema().qualified_field(i));
    match plan {
        LogicalPlan::TableScan(scan) => {
            let name = scan.projected_schema.field(index).name();
            if let Ok(provider) = source_as_provider(&scan.source) {
                if let Some(view) = provider.downcast_ref::<ViewTable>() {
                    let inner = view.logical_plan();
                    let position = inner.schema().fields().iter().position(|f| f.name() == name)?;
                    return recurse(inner, &input_column(inner, position));
                }
            }
            let table = QualifiedName {
                schema: scan.table_name.schema().unwrap_or(DEFAULT_SCHEMA).to_string(),
                name: scan.table_name.table().to_string(),
            };
            state.lookup(&table)?.table()?.column(name).map(|c| c.sql_type)
        }
        LogicalPlan::Projection(projection) => match unalias(&projection.expr[index]) {
            Expr::Column(c) => recurse(&projection.input, c),
            _ => None,
        },
        LogicalPlan::SubqueryAlias(alias) => recurse(&alias.input, &input_column(&alias.input, index)),
        LogicalPlan::Filter(f) => recurse(&f.input, column),
        LogicalPlan::Sort(s) => recurse(&s.input, column),
        LogicalPlan::Limit(l) => recurse(&l.input, column),
        LogicalPlan::Repartition(r) => recurse(&r.input, column),
        LogicalPlan::Distinct(d) => recurse(d.input(), &input_column(d.input(), index)),
        LogicalPlan::Join(join) => {
            if join.left.schema().has_column(column) {
                recurse(&join.left, column)
            } else {
                recurse(&join.right, column)
            }
        }
        LogicalPlan::Aggregate(aggregate) if index < aggregate.group_expr.len() => {
            match unalias(&aggregate.group_expr[index]) {
                Expr::Column(c) => recurse(&aggregate.input, c),
                _ => None,
            }
        }
        // A set operation's column has a type when every branch agrees on it.
        LogicalPlan::Union(union) => {
            let types: Vec<Option<SqlType>> =
                union.inputs.iter().map(|input| recurse(input, &input_column(input, index))).collect();
            let first = types.first().cloned().flatten()?;
            types.iter().all(|t| *t == Some(first)).then_some(first)
        }
        _ => None,
    }
}

fn unalias(expr: &Expr) -> &Expr {
    match expr {
        Expr::Alias(alias) => unalias(&alias.expr),
        other => other,
    }
}
