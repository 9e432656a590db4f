//! String literals take the type of what they are compared with, as PostgreSQL's untyped
//! literals do: `indisprimary = 't'`, `CASE attnotnull WHEN 'false' THEN …`, `d = '2024-02-29 -05'`.
//! DataFusion coerces strings to numbers itself, but refuses to compare a boolean with a string,
//! and reads dates with Arrow's parser rather than PostgreSQL's; this analyzer rule, run before
//! DataFusion's type coercion, gives such literals their type (dates and timestamps as casts,
//! which `sql/timezone.rs` then reads).

use crate::sql::analyzer::rewrite_expressions;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result, ScalarValue};
use datafusion::logical_expr::expr::Case;
use datafusion::logical_expr::{BinaryExpr, Expr, ExprSchemable, LogicalPlan, Operator};
use datafusion::optimizer::AnalyzerRule;

#[derive(Debug, Default)]
pub struct UntypedLiterals;

impl AnalyzerRule for UntypedLiterals {
    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        rewrite_expressions(plan, |e, schema| Ok(retype(e, schema)))
    }

    fn name(&self) -> &str {
        "redwood_untyped_literals"
    }
}

fn retype(expr: Expr, schema: &DFSchema) -> Transformed<Expr> {
    let is_boolean = |e: &Expr| e.get_type(schema).is_ok_and(|t| t == DataType::Boolean);
    match expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) if is_comparison(op) => {
            let left_type = left.get_type(schema).ok();
            let right_type = right.get_type(schema).ok();
            match (literal_as(&left, right_type.as_ref()), literal_as(&right, left_type.as_ref())) {
                (Some(value), _) => Transformed::yes(Expr::BinaryExpr(BinaryExpr::new(Box::new(value), op, right))),
                (_, Some(value)) => Transformed::yes(Expr::BinaryExpr(BinaryExpr::new(left, op, Box::new(value)))),
                _ => Transformed::no(Expr::BinaryExpr(BinaryExpr { left, op, right })),
            }
        }
        Expr::Case(Case { expr: Some(base), when_then_expr, else_expr }) if is_boolean(&base) => {
            let when_then_expr = when_then_expr
                .into_iter()
                .map(|(when, then)| match as_boolean(&when) {
                    Some(value) => (Box::new(boolean(value)), then),
                    None => (when, then),
                })
                .collect();
            Transformed::yes(Expr::Case(Case { expr: Some(base), when_then_expr, else_expr }))
        }
        other => Transformed::no(other),
    }
}

fn is_comparison(op: Operator) -> bool {
    matches!(
        op,
        Operator::Eq
            | Operator::NotEq
            | Operator::Lt
            | Operator::LtEq
            | Operator::Gt
            | Operator::GtEq
            | Operator::IsDistinctFrom
            | Operator::IsNotDistinctFrom
    )
}

/// A string literal `expr` re-read for a comparison with a value of `other` type.
fn literal_as(expr: &Expr, other: Option<&DataType>) -> Option<Expr> {
    let Expr::Literal(ScalarValue::Utf8(Some(text)), _) = expr else { return None };
    match other? {
        DataType::Boolean => as_boolean(expr).map(boolean),
        // Read by Redwood's date reader (the session time zone rule turns such casts into it).
        temporal @ (DataType::Date32 | DataType::Timestamp(..)) => Some(
            Expr::Literal(ScalarValue::Utf8(Some(text.clone())), None).cast_to(temporal, &DFSchema::empty()).ok()?,
        ),
        _ => None,
    }
}

fn boolean(value: bool) -> Expr {
    Expr::Literal(ScalarValue::Boolean(Some(value)), None)
}

/// A string literal spelling a boolean the way PostgreSQL reads one.
fn as_boolean(expr: &Expr) -> Option<bool> {
    let Expr::Literal(ScalarValue::Utf8(Some(text)), _) = expr else { return None };
    match text.trim().to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" | "1" => Some(true),
        "f" | "false" | "n" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}
