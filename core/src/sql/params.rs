//! Statement parameters (`$1`, `$2`, …): counting them and binding values into a parsed statement.
//!
//! A bound value becomes a literal of its parameter's type (`CAST('2024-01-31' AS DATE)`), or an
//! untyped string literal when the type is unknown, so that, as in PostgreSQL, the context decides
//! (`WHERE id = $1` with `'42'`). Values are put into the syntax tree, never into SQL text.

use crate::err;
use crate::error::Result;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::sql::sqlparser::ast::{
    self, visit_expressions, visit_expressions_mut, CastKind, ExactNumberInfo, Expr, Statement, TimezoneInfo,
    UnaryOperator, Value,
};
use std::ops::ControlFlow;

/// One bound value: its text form (PostgreSQL's text format) and, when known, its type.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub value: Option<String>,
    pub data_type: Option<DataType>,
}

/// The 0-based index of placeholder `$n` (`None` for anything but `$1`, `$2`, …).
pub fn placeholder_index(placeholder: &str) -> Option<usize> {
    placeholder.strip_prefix('$')?.parse::<usize>().ok()?.checked_sub(1)
}

/// The number of parameters a statement takes: the highest `$n` in it.
pub fn placeholder_count(statement: &Statement) -> Result<usize> {
    let mut count = 0usize;
    let mut invalid = None;
    let _ = visit_expressions(statement, |e| {
        if let Some(p) = placeholder(e) {
            match placeholder_index(p) {
                Some(i) => count = count.max(i + 1),
                None => invalid = Some(p.to_string()),
            }
        }
        ControlFlow::<()>::Continue(())
    });
    match invalid {
        Some(p) => Err(err!(SYNTAX_ERROR, "parameter {p} is not supported; use $1, $2, …")),
        None => Ok(count),
    }
}

/// Replaces every `$n` with the n-th value.
pub fn bind(statement: &mut Statement, params: &[Param]) -> Result<()> {
    let mut failure = None;
    let _ = visit_expressions_mut(statement, |e| {
        if let Some(p) = placeholder(e) {
            match placeholder_index(p).and_then(|i| params.get(i)).map(literal) {
                Some(Ok(literal)) => *e = literal,
                Some(Err(error)) => failure = Some(error),
                None => failure = Some(err!(PROTOCOL_VIOLATION, "no value was bound for parameter {p}")),
            }
        }
        ControlFlow::<()>::Continue(())
    });
    failure.map_or(Ok(()), Err)
}

fn placeholder(e: &Expr) -> Option<&str> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Placeholder(p) => Some(p),
            _ => None,
        },
        _ => None,
    }
}

fn value(v: Value) -> Expr {
    Expr::Value(v.with_empty_span())
}

fn cast(expr: Expr, data_type: ast::DataType) -> Expr {
    Expr::Cast { kind: CastKind::Cast, expr: Box::new(expr), data_type, array: false, format: None }
}

/// A number literal, as the parser would produce it for `-12.5`.
fn number(text: &str) -> Expr {
    match text.strip_prefix('-') {
        Some(abs) => {
            Expr::UnaryOp { op: UnaryOperator::Minus, expr: Box::new(value(Value::Number(abs.into(), false))) }
        }
        None => value(Value::Number(text.into(), false)),
    }
}

fn literal(param: &Param) -> Result<Expr> {
    let target = param.data_type.as_ref().and_then(ast_type);
    let Some(text) = param.value.as_deref() else {
        return Ok(match target {
            Some(t) => cast(value(Value::Null), t),
            None => value(Value::Null),
        });
    };
    let invalid =
        |type_name: &str| err!(INVALID_TEXT_REPRESENTATION, "invalid input syntax for type {type_name}: \"{text}\"");
    let text = text.trim();
    Ok(match &param.data_type {
        Some(DataType::Boolean) => match text.to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => value(Value::Boolean(true)),
            "f" | "false" | "n" | "no" | "off" | "0" => value(Value::Boolean(false)),
            _ => return Err(invalid("boolean")),
        },
        Some(t @ (DataType::Int16 | DataType::Int32 | DataType::Int64)) => {
            text.parse::<i64>().map_err(|_| invalid("integer"))?;
            cast(number(text), ast_type(t).expect("integer type"))
        }
        Some(DataType::Decimal128(..)) => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            let valid = !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
                && digits.chars().filter(|c| *c == '.').count() <= 1;
            if !valid {
                return Err(invalid("numeric"));
            }
            number(text)
        }
        Some(DataType::Float32 | DataType::Float64) => {
            text.parse::<f64>().map_err(|_| invalid("double precision"))?;
            cast(value(Value::SingleQuotedString(text.into())), target.expect("float type"))
        }
        _ => {
            let string = value(Value::SingleQuotedString(param.value.clone().unwrap_or_default()));
            match target {
                Some(t) => cast(string, t),
                None => string,
            }
        }
    })
}

/// The SQL type a parameter of this Arrow type is cast to; `None` leaves strings untyped.
pub fn ast_type(data_type: &DataType) -> Option<ast::DataType> {
    use ast::DataType as D;
    Some(match data_type {
        DataType::Boolean => D::Boolean,
        DataType::Int16 => D::SmallInt(None),
        DataType::Int32 => D::Int(None),
        DataType::Int64 => D::BigInt(None),
        DataType::Float32 => D::Real,
        DataType::Float64 => D::DoublePrecision,
        DataType::Decimal128(p, s) => D::Numeric(ExactNumberInfo::PrecisionAndScale(*p as u64, *s as i64)),
        DataType::Date32 => D::Date,
        DataType::Timestamp(TimeUnit::Microsecond, None) => D::Timestamp(Some(6), TimezoneInfo::None),
        DataType::Timestamp(TimeUnit::Microsecond, Some(_)) => D::Timestamp(Some(6), TimezoneInfo::WithTimeZone),
        DataType::Utf8 => D::Varchar(None),
        _ => return None,
    })
}
