//! Redshift functions and syntax that DataFusion spells differently, rewritten on the parsed
//! statement into equivalent standard SQL before planning:
//!
//! | Redshift | becomes |
//! |---|---|
//! | `GETDATE()`, `SYSDATE` | the current timestamp (without time zone) |
//! | `LEN(s)`, `CHARINDEX(sub, s)` | `CHARACTER_LENGTH(s)`, `STRPOS(s, sub)` |
//! | `DATEADD(part, n, t)` | `dateadd('part', n, t)` (`sql::functions::datetime`) |
//! | `DATEDIFF(part, a, b)` | the number of `part` boundaries between `a` and `b` |
//! | `DECODE(e, s1, r1, …, default)` | `CASE WHEN e IS NOT DISTINCT FROM s1 THEN r1 … ELSE default END` |
//! | `CONCAT(a, b)` | `a \|\| b` (NULL if either is NULL) |
//! | `LISTAGG(x, d) WITHIN GROUP (ORDER BY …)` | `STRING_AGG(x, d ORDER BY …)` |
//! | `TO_CHAR(t, 'YYYY-MM-DD HH24:MI:SS')` | `TO_CHAR(t, '%Y-%m-%d %H:%M:%S')` |
//! | `a MINUS b` | `a EXCEPT b` |
//! | `SELECT TOP n …` | `SELECT … LIMIT n` |
//! | `c = 'ab   '` | `c = 'ab'` (trailing blanks are insignificant in comparisons) |
//! | `GROUP BY ROLLUP (…)`, `CUBE (…)` (read as function calls) | grouping sets |
//! | `x = ANY (subquery)`, `x <> ALL (subquery)` | `x IN (subquery)`, `x NOT IN (subquery)` |
//! | `ISNULL(a, b)` | `coalesce(a, b)` |
//! | `t AT TIME ZONE z`, `CONVERT_TIMEZONE([from,] to, t)` | `timezone(z, t)` (`sql/timezone.rs`) |
//! | `REGEXP_SUBSTR(s, p [, position])` | the first match of `p` (from `position`), else '' |
//! | `REGEXP_REPLACE(s, p [, r])` | `regexp_replace(s, p, r, 'g')` (every match; `r` defaults to '') |
//! | `WHERE 1`, `1 AND c` | `WHERE true`, `true AND c` |
//! | `SELECT 1` | `SELECT CAST(1 AS INT)` (an INTEGER column, not BIGINT) |
//! | `indkey[n]` (pg_index's int2vector, kept as text) | `split_part(indkey, ' ', n + 1)` |
//! | `CURRENT_USER`, `USER`, `SESSION_USER`, `CURRENT_CATALOG` | function calls |

use crate::err;
use crate::error::{Error, Result};
use crate::sql::functions::datetime::date_part;
use datafusion::sql::sqlparser::ast::{
    AccessExpr, BinaryOperator, CastKind, DataType, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, LimitClause,
    Query, SelectItem, SetExpr, SetOperator, Statement, Subscript, TopQuantity, TypedString, Value, VisitMut,
    VisitorMut,
};
use datafusion::sql::sqlparser::dialect::RedshiftSqlDialect;
use datafusion::sql::sqlparser::parser::Parser;
use std::ops::ControlFlow;

/// Rewrites Redshift-only functions and operators of `statement` in place.
pub fn redshift_to_standard(statement: &mut Statement) -> Result<()> {
    match statement.visit(&mut Rewriter) {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(e) => Err(e),
    }
}

struct Rewriter;

impl VisitorMut for Rewriter {
    type Break = Error;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<Error> {
        fn minus_to_except(body: &mut SetExpr) {
            if let SetExpr::SetOperation { op, left, right, .. } = body {
                if *op == SetOperator::Minus {
                    *op = SetOperator::Except;
                }
                minus_to_except(left);
                minus_to_except(right);
            }
        }
        minus_to_except(&mut query.body);
        if let SetExpr::Select(select) = query.body.as_mut() {
            if let Some(n) = select.selection.as_ref().and_then(integer_literal) {
                select.selection = Some(Expr::value(Value::Boolean(n != 0)));
            }
            // `SELECT 1` is an INTEGER column, as in PostgreSQL (DataFusion reads literals as BIGINT).
            for item in &mut select.projection {
                if let SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } = item {
                    if integer_literal(e).is_some_and(|n| i32::try_from(n).is_ok()) {
                        let literal = std::mem::replace(e, Expr::value(Value::Null));
                        *e = Expr::Cast {
                            kind: CastKind::Cast,
                            expr: Box::new(literal),
                            data_type: DataType::Int(None),
                            array: false,
                            format: None,
                        };
                    }
                }
            }
        }
        // SELECT TOP n … is LIMIT n.
        if let SetExpr::Select(select) = query.body.as_mut() {
            if let Some(top) = select.top.take() {
                let limit = match top.quantity {
                    Some(TopQuantity::Constant(n)) => Expr::value(Value::Number(n.to_string(), false)),
                    Some(TopQuantity::Expr(e)) => e,
                    None => return ControlFlow::Continue(()),
                };
                if top.percent || top.with_ties || query.limit_clause.is_some() {
                    return ControlFlow::Break(err!(
                        FEATURE_NOT_SUPPORTED,
                        "TOP with PERCENT, WITH TIES or LIMIT is not supported"
                    ));
                }
                query.limit_clause =
                    Some(LimitClause::LimitOffset { limit: Some(limit), offset: None, limit_by: vec![] });
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<Error> {
        trim_compared_literals(expr);
        timestamps_in_microseconds(expr);
        if let Some(grouping) = rollup_or_cube(expr) {
            *expr = grouping;
            return ControlFlow::Continue(());
        }
        if let Some(in_subquery) = any_all_as_in(expr) {
            *expr = in_subquery;
            return ControlFlow::Continue(());
        }
        if let Some(sql) = any_all_as_exists(expr) {
            match parse_expr(&sql) {
                Ok(new) => *expr = new,
                Err(e) => return ControlFlow::Break(e),
            }
            return ControlFlow::Continue(());
        }
        match rewrite(expr) {
            Ok(Some(sql)) => match parse_expr(&sql) {
                Ok(new) => *expr = new,
                Err(e) => return ControlFlow::Break(e),
            },
            Ok(None) => {}
            Err(e) => return ControlFlow::Break(e),
        }
        ControlFlow::Continue(())
    }
}

/// Trailing blanks are not significant when Redshift compares character values, so a string
/// literal compared with `=`, `<>`, `<`, … or listed in `IN (…)` loses them (stored CHAR values
/// have none).
fn trim_compared_literals(expr: &mut Expr) {
    fn trim(e: &mut Expr) {
        if let Expr::Value(v) = e {
            if let Value::SingleQuotedString(s) = &mut v.value {
                let trimmed = s.trim_end_matches(' ').len();
                s.truncate(trimmed);
            }
        }
    }
    match expr {
        Expr::BinaryOp {
            left,
            op:
                BinaryOperator::Eq
                | BinaryOperator::NotEq
                | BinaryOperator::Lt
                | BinaryOperator::LtEq
                | BinaryOperator::Gt
                | BinaryOperator::GtEq,
            right,
        } => {
            trim(left);
            trim(right);
        }
        Expr::InList { list, .. } => list.iter_mut().for_each(trim),
        _ => {}
    }
}

/// `CAST(… AS TIMESTAMP)` and `TIMESTAMP '…'` hold microseconds, PostgreSQL's precision, as
/// Redwood's columns do (DataFusion's default, nanoseconds, ends in 2262).
fn timestamps_in_microseconds(expr: &mut Expr) {
    let data_type = match expr {
        Expr::Cast { data_type, .. } | Expr::TypedString(TypedString { data_type, .. }) => data_type,
        _ => return,
    };
    if let DataType::Timestamp(precision @ None, _) = data_type {
        *precision = Some(6);
    }
}

/// `GROUP BY ROLLUP (a, b)` and `CUBE (a, b)`, which the Redshift dialect reads as function calls.
fn rollup_or_cube(expr: &Expr) -> Option<Expr> {
    let Expr::Function(f) = expr else { return None };
    let name = f.name.to_string().to_ascii_lowercase();
    if name != "rollup" && name != "cube" {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else { return None };
    let sets: Vec<Vec<Expr>> = list
        .args
        .iter()
        .map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Tuple(items))) => Some(items.clone()),
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(vec![e.clone()]),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(if name == "rollup" { Expr::Rollup(sets) } else { Expr::Cube(sets) })
}

/// `x = ANY (subquery)` is `x IN (subquery)` and `x <> ALL (subquery)` is `x NOT IN (subquery)`,
/// NULLs included. DataFusion 55 loses the correlation of ANY/ALL subqueries that read the outer
/// query's table without an alias (wrong results); IN is planned correctly.
fn any_all_as_in(expr: &Expr) -> Option<Expr> {
    let (left, right, negated) = match expr {
        Expr::AnyOp { left, compare_op: BinaryOperator::Eq, right, .. } => (left, right, false),
        Expr::AllOp { left, compare_op: BinaryOperator::NotEq, right } => (left, right, true),
        _ => return None,
    };
    let Expr::Subquery(query) = right.as_ref() else { return None };
    Some(Expr::InSubquery { expr: left.clone(), subquery: query.clone(), negated })
}

/// The other comparisons with ANY/ALL of a subquery, as EXISTS over the subquery wrapped in a
/// derived table (which keeps its columns from being confused with the outer query's):
/// `x > ALL (q)` holds when no row of `q` fails `x > v`. In a WHERE clause this is exact; as a
/// value, an ALL/ANY that SQL makes NULL yields false.
fn any_all_as_exists(expr: &Expr) -> Option<String> {
    let (left, op, right, all) = match expr {
        Expr::AnyOp { left, compare_op, right, .. } => (left, compare_op, right, false),
        Expr::AllOp { left, compare_op, right } => (left, compare_op, right, true),
        _ => return None,
    };
    let Expr::Subquery(query) = right.as_ref() else { return None };
    let rows = format!("SELECT 1 FROM ({query}) AS __any_all(v)");
    Some(if all {
        format!("(NOT EXISTS ({rows} WHERE (({left}) {op} __any_all.v) IS NOT TRUE))")
    } else {
        format!("(EXISTS ({rows} WHERE ({left}) {op} __any_all.v))")
    })
}

fn parse_expr(sql: &str) -> Result<Expr> {
    Parser::new(&RedshiftSqlDialect {})
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| Error::internal(format!("rewriting Redshift function into {sql}: {e}")))
}

/// The standard SQL for a Redshift-only expression, or `None` to keep it.
fn rewrite(expr: &Expr) -> Result<Option<String>> {
    const NOW: &str = "CAST(now() AS TIMESTAMP)";
    let function = match expr {
        Expr::AtTimeZone { timestamp, time_zone } => return Ok(Some(format!("timezone({time_zone}, ({timestamp}))"))),
        Expr::Identifier(i) if i.quote_style.is_none() => {
            return Ok(match i.value.to_ascii_lowercase().as_str() {
                "sysdate" => Some(NOW.into()),
                "current_user" | "user" => Some("current_user()".into()),
                "session_user" => Some("session_user()".into()),
                "current_catalog" => Some("current_database()".into()),
                _ => None,
            });
        }
        Expr::BinaryOp { left, op: op @ (BinaryOperator::And | BinaryOperator::Or), right }
            if [left, right].iter().any(|e| integer_literal(e).is_some()) =>
        {
            let operand = |e: &Expr| integer_literal(e).map_or_else(|| format!("({e})"), |n| (n != 0).to_string());
            return Ok(Some(format!("{} {op} {}", operand(left), operand(right))));
        }
        // pg_index's int2vector columns are kept as text ('1 2'); their subscripts count from 0.
        // (`i.indkey[n]` is `i` with the chain `.indkey`, `[n]`.)
        // `(information_schema._pg_expandarray(a)).n` (pgJDBC's key queries): by now the call
        // is `unnest(…)`; `.x` is its value, `.n` its position. `(keys).x` on a column that
        // held such a value is the column itself.
        Expr::CompoundFieldAccess { root, access_chain }
            if matches!(access_chain.as_slice(), [AccessExpr::Dot(Expr::Identifier(_))]) =>
        {
            let [AccessExpr::Dot(Expr::Identifier(field))] = access_chain.as_slice() else { return Ok(None) };
            let inner = match root.as_ref() {
                Expr::Nested(inner) => inner.as_ref(),
                other => other,
            };
            let field = field.value.to_ascii_lowercase();
            return Ok(match (inner, field.as_str()) {
                (Expr::Function(f), "n") if f.name.to_string().eq_ignore_ascii_case("unnest") => {
                    let FunctionArguments::List(list) = &f.args else { return Ok(None) };
                    let [array] = list.args.as_slice() else { return Ok(None) };
                    Some(format!("unnest(generate_series(1, array_length({array})))"))
                }
                (Expr::Function(_) | Expr::Identifier(_) | Expr::CompoundIdentifier(_), "x") => Some(inner.to_string()),
                _ => None,
            });
        }
        Expr::CompoundFieldAccess { root, access_chain } => {
            let Some((AccessExpr::Subscript(Subscript::Index { index }), path)) = access_chain.split_last() else {
                return Ok(None);
            };
            let column = match path {
                [] => root.to_string(),
                [.., AccessExpr::Dot(last)] if path.iter().all(|a| matches!(a, AccessExpr::Dot(_))) => {
                    if !is_vector_column(last) {
                        return Ok(None);
                    }
                    let parts: Vec<String> = path.iter().map(|a| a.to_string()).collect();
                    format!("{root}{}", parts.join(""))
                }
                _ => return Ok(None),
            };
            if path.is_empty() && !is_vector_column(root) {
                return Ok(None);
            }
            return Ok(Some(format!(
                "CAST(NULLIF(split_part({column}, ' ', CAST(({index}) + 1 AS INT)), '') AS SMALLINT)"
            )));
        }
        Expr::Function(f) => f,
        _ => return Ok(None),
    };
    let name = function.name.to_string().to_ascii_lowercase();
    let no_arguments = matches!(function.args, FunctionArguments::None);
    match name.as_str() {
        "current_user" | "user" if no_arguments => return Ok(Some("current_user()".into())),
        "session_user" if no_arguments => return Ok(Some("session_user()".into())),
        _ => {}
    }
    let args: Vec<String> = match &function.args {
        FunctionArguments::List(list) => list
            .args
            .iter()
            .map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Ok(e.to_string()),
                other => Ok(other.to_string()),
            })
            .collect::<Result<_>>()?,
        FunctionArguments::None => vec![],
        FunctionArguments::Subquery(_) => return Ok(None),
    };
    let arity = |n: usize| -> Result<()> {
        if args.len() != n {
            return Err(err!(UNDEFINED_FUNCTION, "function {name} takes {n} arguments, got {}", args.len()));
        }
        Ok(())
    };
    Ok(Some(match name.as_str() {
        "getdate" => {
            arity(0)?;
            format!("date_trunc('second', {NOW})")
        }
        "len" => {
            arity(1)?;
            format!("character_length({})", args[0])
        }
        "charindex" => {
            arity(2)?;
            format!("strpos({}, {})", args[1], args[0])
        }
        "dateadd" => {
            arity(3)?;
            format!("dateadd({}, {}, {})", datepart_literal(&function.args, &args[0]), args[1], args[2])
        }
        // Redshift's timestamps without time zone, converted from one zone (UTC if not given) to another.
        "convert_timezone" if args.len() == 2 || args.len() == 3 => {
            let (from, to, value) = match args.as_slice() {
                [to, value] => ("'UTC'", to, value),
                [from, to, value] => (from.as_str(), to, value),
                _ => unreachable!("two or three arguments"),
            };
            format!("timezone({to}, timezone({from}, CAST({value} AS TIMESTAMP)))")
        }
        "datediff" => {
            arity(3)?;
            datediff(&args[0], &args[1], &args[2])?
        }
        "decode" if args.len() >= 3 => {
            let mut sql = String::from("CASE");
            let mut pairs = args[1..].chunks_exact(2);
            for pair in pairs.by_ref() {
                sql.push_str(&format!(" WHEN ({}) IS NOT DISTINCT FROM ({}) THEN {}", args[0], pair[0], pair[1]));
            }
            if let [default] = pairs.remainder() {
                sql.push_str(&format!(" ELSE {default}"));
            }
            sql + " END"
        }
        // PostgreSQL's set-returning `_pg_expandarray(int2vector or int2[])`, kept as text here.
        "_pg_expandarray" | "information_schema._pg_expandarray" if args.len() == 1 => format!(
            "unnest(CAST(string_to_array(btrim(regexp_replace(CAST({} AS VARCHAR), '[ ,]+', ',', 'g'), '{{}}[],'), ',') AS INT[]))",
            args[0]
        ),
        "isnull" if args.len() == 2 => format!("coalesce({}, {})", args[0], args[1]),
        // The first match (from a 1-based position), or '' when there is none.
        "regexp_substr" if (2..=3).contains(&args.len()) => {
            let source = match args.get(2) {
                Some(position) => format!("substr({}, {position})", args[0]),
                None => args[0].clone(),
            };
            format!("coalesce(array_element(regexp_match({source}, '(' || ({}) || ')'), 1), '')", args[1])
        }
        // Redshift replaces every match, and the replacement defaults to the empty string.
        "regexp_replace" if args.len() == 2 || args.len() == 3 => {
            let replacement = args.get(2).map_or("''", String::as_str);
            format!("regexp_replace({}, {}, {replacement}, 'g')", args[0], args[1])
        }
        "concat" if args.len() == 2 => format!("(({}) || ({}))", args[0], args[1]),
        "listagg" if !args.is_empty() && args.len() <= 2 => {
            let delimiter = args.get(1).cloned().unwrap_or_else(|| "''".into());
            let order = if function.within_group.is_empty() {
                String::new()
            } else {
                let keys: Vec<String> = function.within_group.iter().map(|o| o.to_string()).collect();
                format!(" ORDER BY {}", keys.join(", "))
            };
            let distinct = match &function.args {
                FunctionArguments::List(l) if l.duplicate_treatment.is_some() => {
                    format!("{} ", l.duplicate_treatment.as_ref().expect("checked"))
                }
                _ => String::new(),
            };
            let over = function.over.as_ref().map(|o| format!(" OVER {o}")).unwrap_or_default();
            format!("string_agg({distinct}{}, {delimiter}{order}){over}", args[0])
        }
        "to_char" if args.len() == 2 => {
            let Some(pattern) = string_literal(&function.args, 1) else { return Ok(None) };
            format!("to_char({}, '{}')", args[0], chrono_pattern(&pattern).replace('\'', "''"))
        }
        _ => return Ok(None),
    }))
}

/// `indkey`, `indclass`, `indoption`, `indcollation` (possibly qualified): pg_index's vectors.
fn is_vector_column(expr: &Expr) -> bool {
    let name = match expr {
        Expr::Identifier(i) => i,
        Expr::CompoundIdentifier(parts) => match parts.last() {
            Some(last) => last,
            None => return false,
        },
        _ => return false,
    };
    ["indkey", "indclass", "indoption", "indcollation"].contains(&name.value.to_ascii_lowercase().as_str())
}

/// An integer literal: Redshift takes one where a boolean is expected (`WHERE 1 AND …`).
fn integer_literal(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

fn string_literal(args: &FunctionArguments, index: usize) -> Option<String> {
    let FunctionArguments::List(list) = args else { return None };
    match list.args.get(index)? {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v))) => match &v.value {
            Value::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// DATEADD's datepart as the string literal its function takes: `month` becomes `'month'`.
fn datepart_literal(args: &FunctionArguments, written: &str) -> String {
    let FunctionArguments::List(list) = args else { return written.to_string() };
    match list.args.first() {
        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Identifier(part)))) => {
            format!("'{}'", part.value.replace('\'', "''"))
        }
        _ => written.to_string(),
    }
}

/// DATEDIFF counts the `part` boundaries crossed from `a` to `b`, as Redshift does.
fn datediff(part: &str, a: &str, b: &str) -> Result<String> {
    let (unit, multiple) = date_part(part)?;
    let ts = |e: &str| format!("CAST({e} AS TIMESTAMP)");
    let field = |f: &str, e: &str| format!("CAST(date_part('{f}', {}) AS BIGINT)", ts(e));
    Ok(match (unit, multiple) {
        ("year", n) => format!("({} - {})", floor_div(&field("year", b), n), floor_div(&field("year", a), n)),
        ("month", 3) => format!(
            "(({} * 4 + {}) - ({} * 4 + {}))",
            field("year", b),
            field("quarter", b),
            field("year", a),
            field("quarter", a)
        ),
        ("month", _) => format!(
            "(({} * 12 + {}) - ({} * 12 + {}))",
            field("year", b),
            field("month", b),
            field("year", a),
            field("month", a)
        ),
        (unit, n) => {
            let truncated_unit = if n == 7 { "week" } else { unit };
            let seconds = match (unit, n) {
                ("day", 7) => "604800",
                ("day", _) => "86400",
                ("hour", _) => "3600",
                ("minute", _) => "60",
                ("second", _) => "1",
                ("millisecond", _) => "0.001",
                _ => "0.000001",
            };
            format!(
                "CAST(round((date_part('epoch', date_trunc('{truncated_unit}', {})) - date_part('epoch', date_trunc('{truncated_unit}', {}))) / {seconds}) AS BIGINT)",
                ts(b),
                ts(a)
            )
        }
    })
}

fn floor_div(e: &str, n: i64) -> String {
    if n == 1 {
        e.to_string()
    } else {
        format!("CAST(floor({e} / {n}) AS BIGINT)")
    }
}

/// Translates a PostgreSQL/Redshift datetime format into chrono's.
fn chrono_pattern(pattern: &str) -> String {
    const TOKENS: &[(&str, &str)] = &[
        ("YYYY", "%Y"),
        ("HH24", "%H"),
        ("HH12", "%I"),
        ("MONTH", "%B"),
        ("Month", "%B"),
        ("month", "%B"),
        ("DAY", "%A"),
        ("Day", "%A"),
        ("MON", "%b"),
        ("Mon", "%b"),
        ("YY", "%y"),
        ("MM", "%m"),
        ("DD", "%d"),
        ("HH", "%I"),
        ("MI", "%M"),
        ("SS", "%S"),
        ("MS", "%3f"),
        ("US", "%6f"),
        ("AM", "%p"),
        ("PM", "%p"),
        ("DY", "%a"),
        ("Dy", "%a"),
    ];
    let mut out = String::new();
    let mut rest = pattern;
    'outer: while !rest.is_empty() {
        for (from, to) in TOKENS {
            if let Some(after) = rest.strip_prefix(from) {
                out.push_str(to);
                rest = after;
                continue 'outer;
            }
        }
        let c = rest.chars().next().expect("non-empty");
        if c == '%' {
            out.push_str("%%");
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}
