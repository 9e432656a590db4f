//! ODBC's (and JDBC's) escape clauses rewritten as Redshift SQL: `{d '…'}`, `{t '…'}`,
//! `{ts '…'}`, `{oj …}`, `{escape '…'}`, `{interval …}` and the scalar functions `{fn …}` that
//! Excel, Tableau and SQL tools write, translated where Redshift spells them differently
//! (`{fn UCASE(x)}` → `upper(x)`, `{fn TIMESTAMPADD(SQL_TSI_DAY, n, t)}` → `dateadd(day, n, t)`).
//! Escapes nest; braces inside literals, quoted names and comments are left alone.

use super::placeholders::{block_comment_end, dollar_quote_end, escapes_backslash, quoted_end};
use crate::err;
use crate::error::Result;

/// `sql` with its escape clauses translated.
pub fn translate_escapes(sql: &str) -> Result<String> {
    if !sql.contains('{') {
        return Ok(sql.to_string());
    }
    Ok(translate_from(sql, 0, false)?.0)
}

/// Translates from `start` to the end, or (`nested`) to the `}` closing an escape: the text and
/// the index after that brace.
fn translate_from(sql: &str, start: usize, nested: bool) -> Result<(String, usize)> {
    let bytes = sql.as_bytes();
    let mut out = String::new();
    let (mut i, mut copied) = (start, start);
    while i < bytes.len() {
        let next = match bytes[i] {
            b'\'' => quoted_end(bytes, i, b'\'', escapes_backslash(bytes, i)),
            b'"' => quoted_end(bytes, i, b'"', false),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                bytes[i..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |n| i + n)
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => block_comment_end(bytes, i),
            b'$' => dollar_quote_end(sql, i).unwrap_or(i + 1),
            b'{' => {
                out.push_str(&sql[copied..i]);
                let (body, after) = translate_from(sql, i + 1, true)?;
                out.push_str(&escape(&body)?);
                copied = after;
                after
            }
            b'}' if nested => {
                out.push_str(&sql[copied..i]);
                return Ok((out, i + 1));
            }
            _ => i + 1,
        };
        i = next.max(i + 1);
    }
    if nested {
        return Err(err!(SYNTAX_ERROR, "unterminated escape clause: a {{ has no closing }}"));
    }
    out.push_str(&sql[copied.min(sql.len())..]);
    Ok((out, bytes.len()))
}

/// One escape clause's body (its own escapes already translated).
fn escape(body: &str) -> Result<String> {
    let body = body.trim();
    let keyword_len = body.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(body.len());
    let (keyword, rest) = (body[..keyword_len].to_ascii_lowercase(), body[keyword_len..].trim());
    Ok(match keyword.as_str() {
        "d" => format!("DATE {rest}"),
        "t" => format!("TIME {rest}"),
        "ts" => format!("TIMESTAMP {rest}"),
        "oj" => rest.to_string(),
        "escape" => format!("ESCAPE {rest}"),
        "interval" => format!("INTERVAL {rest}"),
        "fn" => function(rest)?,
        "call" | "" if keyword == "call" || body.starts_with('?') => {
            return Err(err!(FEATURE_NOT_SUPPORTED, "procedure calls ({{call …}}) are not supported"))
        }
        _ => return Err(err!(SYNTAX_ERROR, "unknown escape clause {{{body}}}")),
    })
}

/// A `{fn name(args)}` scalar function as Redshift writes it.
fn function(call: &str) -> Result<String> {
    let name_len = call.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(call.len());
    let (name, rest) = (&call[..name_len], call[name_len..].trim());
    let args = match rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inside) => split_arguments(inside),
        None if rest.is_empty() => vec![],
        None => return Err(err!(SYNTAX_ERROR, "malformed {{fn {call}}}: expected name(arguments)")),
    };
    let arg = |n: usize| -> Result<&str> {
        args.get(n)
            .map(String::as_str)
            .ok_or_else(|| err!(SYNTAX_ERROR, "{{fn {name}}} takes more arguments than were given"))
    };
    let all = args.join(", ");
    let upper = name.to_ascii_uppercase();
    Ok(match upper.as_str() {
        "UCASE" => format!("upper({all})"),
        "LCASE" => format!("lower({all})"),
        "IFNULL" => format!("coalesce({all})"),
        "CURDATE" | "CURRENT_DATE" => "current_date".to_string(),
        "CURTIME" | "CURRENT_TIME" => "current_time".to_string(),
        "NOW" | "CURRENT_TIMESTAMP" => "current_timestamp".to_string(),
        "DATABASE" => "current_database()".to_string(),
        "USER" => "current_user".to_string(),
        "CEILING" => format!("ceil({all})"),
        // ODBC's LOG is natural; Redshift's is base 10.
        "LOG" => format!("ln({all})"),
        "LOG10" => format!("log({all})"),
        "MOD" => format!("(({}) % ({}))", arg(0)?, arg(1)?),
        "SIGN" => format!("(CASE WHEN ({0}) > 0 THEN 1 WHEN ({0}) < 0 THEN -1 ELSE 0 END)", arg(0)?),
        "TRUNCATE" => format!("trunc({all})"),
        "RAND" => "random()".to_string(),
        "CHAR" => format!("chr({all})"),
        "SPACE" => format!("repeat(' ', {})", arg(0)?),
        "LOCATE" if args.len() == 2 => format!("strpos({}, {})", arg(1)?, arg(0)?),
        "LOCATE" => {
            let (needle, haystack, start) = (arg(0)?, arg(1)?, arg(2)?);
            let rest = format!("strpos(substring({haystack} FROM {start}), {needle})");
            format!("(CASE WHEN {rest} = 0 THEN 0 ELSE {rest} + ({start}) - 1 END)")
        }
        // ODBC's LENGTH leaves trailing blanks out.
        "LENGTH" => format!("length(rtrim({}))", arg(0)?),
        "DAYOFMONTH" => extract("day", arg(0)?),
        "DAYOFWEEK" => format!("({} + 1)", extract("dow", arg(0)?)),
        "DAYOFYEAR" => extract("doy", arg(0)?),
        "YEAR" | "MONTH" | "QUARTER" | "WEEK" | "HOUR" | "MINUTE" | "SECOND" => {
            extract(&name.to_ascii_lowercase(), arg(0)?)
        }
        "TIMESTAMPADD" => format!("dateadd({}, {}, {})", interval_part(arg(0)?)?, arg(1)?, arg(2)?),
        "TIMESTAMPDIFF" => format!("datediff({}, {}, {})", interval_part(arg(0)?)?, arg(1)?, arg(2)?),
        "CONVERT" => format!("CAST({} AS {})", arg(0)?, sql_type_name(arg(1)?)?),
        _ => format!("{name}({all})"),
    })
}

fn extract(part: &str, value: &str) -> String {
    format!("CAST(EXTRACT({part} FROM {value}) AS integer)")
}

/// `SQL_TSI_DAY` → `day`.
fn interval_part(interval: &str) -> Result<&'static str> {
    Ok(match interval.trim().to_ascii_uppercase().trim_start_matches("SQL_TSI_") {
        "SECOND" => "second",
        "MINUTE" => "minute",
        "HOUR" => "hour",
        "DAY" => "day",
        "WEEK" => "week",
        "MONTH" => "month",
        "QUARTER" => "quarter",
        "YEAR" => "year",
        _ => return Err(err!(SYNTAX_ERROR, "interval {interval} is not supported: SQL_TSI_SECOND … SQL_TSI_YEAR")),
    })
}

/// `SQL_INTEGER` (CONVERT's second argument) → `integer`.
fn sql_type_name(sql_type: &str) -> Result<&'static str> {
    Ok(match sql_type.trim().to_ascii_uppercase().trim_start_matches("SQL_") {
        "BIGINT" => "bigint",
        "INTEGER" => "integer",
        "SMALLINT" | "TINYINT" => "smallint",
        "BIT" => "boolean",
        "REAL" => "real",
        "FLOAT" | "DOUBLE" => "double precision",
        "NUMERIC" | "DECIMAL" => "numeric",
        "CHAR" | "WCHAR" => "char",
        "VARCHAR" | "WVARCHAR" | "LONGVARCHAR" | "WLONGVARCHAR" => "varchar",
        "DATE" | "TYPE_DATE" => "date",
        "TIME" | "TYPE_TIME" => "time",
        "TIMESTAMP" | "TYPE_TIMESTAMP" => "timestamp",
        _ => return Err(err!(FEATURE_NOT_SUPPORTED, "{{fn CONVERT}} to {sql_type} is not supported")),
    })
}

/// Splits `a, f(b, c), 'x,y'` at its top-level commas.
fn split_arguments(inside: &str) -> Vec<String> {
    let bytes = inside.as_bytes();
    let (mut args, mut depth, mut start, mut i) = (vec![], 0, 0, 0);
    while i < bytes.len() {
        let next = match bytes[i] {
            b'\'' => quoted_end(bytes, i, b'\'', escapes_backslash(bytes, i)),
            b'"' => quoted_end(bytes, i, b'"', false),
            b'(' => {
                depth += 1;
                i + 1
            }
            b')' => {
                depth -= 1;
                i + 1
            }
            b',' if depth == 0 => {
                args.push(inside[start..i].trim().to_string());
                start = i + 1;
                i + 1
            }
            _ => i + 1,
        };
        i = next.max(i + 1);
    }
    if !inside[start..].trim().is_empty() || !args.is_empty() {
        args.push(inside[start..].trim().to_string());
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_joins_and_functions() {
        let t = |sql: &str| translate_escapes(sql).unwrap();
        assert_eq!(
            t("SELECT {d '2024-01-02'}, {ts '2024-01-02 03:04:05'}"),
            "SELECT DATE '2024-01-02', TIMESTAMP '2024-01-02 03:04:05'"
        );
        assert_eq!(
            t("SELECT * FROM {oj a LEFT OUTER JOIN b ON a.x = b.x}"),
            "SELECT * FROM a LEFT OUTER JOIN b ON a.x = b.x"
        );
        assert_eq!(t("SELECT {fn UCASE({fn LTRIM(name)})} FROM t"), "SELECT upper(LTRIM(name)) FROM t");
        assert_eq!(t("SELECT {fn TIMESTAMPADD(SQL_TSI_DAY, 3, d)}"), "SELECT dateadd(day, 3, d)");
        assert_eq!(t("SELECT {fn CONVERT(x, SQL_INTEGER)}, {fn MOD(a, 2)}"), "SELECT CAST(x AS integer), ((a) % (2))");
        assert_eq!(t("SELECT {fn CONCAT('a,b', f(1, 2))}"), "SELECT CONCAT('a,b', f(1, 2))");
        assert_eq!(t("SELECT {fn CURDATE()}, {fn NOW()}"), "SELECT current_date, current_timestamp");
        assert_eq!(
            t("SELECT a FROM t WHERE a LIKE 'x\\_%' {escape '\\'}"),
            "SELECT a FROM t WHERE a LIKE 'x\\_%' ESCAPE '\\'"
        );
        assert_eq!(t("SELECT '{d x}', \"{fn}\" -- {oj\n"), "SELECT '{d x}', \"{fn}\" -- {oj\n");
        assert_eq!(t("SELECT {fn YEAR(d)}"), "SELECT CAST(EXTRACT(year FROM d) AS integer)");
    }

    #[test]
    fn malformed_escapes_are_errors() {
        assert_eq!(translate_escapes("SELECT {fn UCASE(a)").unwrap_err().sqlstate, "42601");
        assert_eq!(translate_escapes("SELECT {bogus 1}").unwrap_err().sqlstate, "42601");
        assert_eq!(translate_escapes("{call p(1)}").unwrap_err().sqlstate, "0A000");
        assert_eq!(translate_escapes("{?= call p(1)}").unwrap_err().sqlstate, "0A000");
    }
}
