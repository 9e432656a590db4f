//! Parameter markers of client APIs (`?` for ODBC and JDBC, `%s` and `%(name)s` for Python's
//! DB-API) rewritten as the server's `$1`, `$2`, … Markers inside string literals, quoted
//! identifiers, dollar-quoted strings and comments are left alone, as the server's lexer would.

use crate::err;
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `?` (ODBC, JDBC, DB-API `qmark`).
    Qmark,
    /// `%s` (DB-API `format`: psycopg, redshift_connector); `%%` is a literal `%`.
    Format,
    /// `%(name)s` (DB-API `pyformat`); a name may repeat; `%%` is a literal `%`.
    Pyformat,
}

/// A statement with its markers numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    pub sql: String,
    /// How many markers there were.
    pub markers: usize,
    /// For [`ParamStyle::Pyformat`], the parameter names in the order of their numbers (each once).
    pub names: Vec<String>,
}

/// `sql` with its markers numbered `$1`, `$2`, … in order.
pub fn numbered_placeholders(sql: &str, style: ParamStyle) -> Result<Numbered> {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 8);
    let mut names: Vec<String> = vec![];
    let mut count = 0;
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let skip_to = match bytes[i] {
            b'\'' => quoted_end(bytes, i, b'\'', escapes_backslash(bytes, i)),
            b'"' => quoted_end(bytes, i, b'"', false),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                bytes[i..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |n| i + n)
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => block_comment_end(bytes, i),
            b'$' => dollar_quote_end(sql, i).unwrap_or(i + 1),
            b'?' if style == ParamStyle::Qmark => {
                count += 1;
                out.push_str(&sql[copied..i]);
                out.push_str(&format!("${count}"));
                copied = i + 1;
                i + 1
            }
            b'%' if style != ParamStyle::Qmark => {
                out.push_str(&sql[copied..i]);
                let (marker_end, number) = match (style, bytes.get(i + 1)) {
                    (_, Some(b'%')) => {
                        out.push('%');
                        (i + 2, None)
                    }
                    (ParamStyle::Format, Some(b's')) => {
                        count += 1;
                        (i + 2, Some(count))
                    }
                    (ParamStyle::Pyformat, Some(b'(')) => {
                        let close = sql[i..].find(")s").map(|n| i + n).ok_or_else(|| {
                            err!(
                                SYNTAX_ERROR,
                                "unterminated parameter marker at \"{}\": write %(name)s",
                                excerpt(sql, i)
                            )
                        })?;
                        let name = &sql[i + 2..close];
                        count += 1;
                        let number = match names.iter().position(|n| n == name) {
                            Some(known) => known + 1,
                            None => {
                                names.push(name.to_string());
                                names.len()
                            }
                        };
                        (close + 2, Some(number))
                    }
                    _ => {
                        let expected = if style == ParamStyle::Format { "%s" } else { "%(name)s" };
                        return Err(err!(
                            SYNTAX_ERROR,
                            "unexpected % at \"{}\": parameters are {expected}, and a literal % is written %%",
                            excerpt(sql, i)
                        ));
                    }
                };
                if let Some(number) = number {
                    out.push_str(&format!("${number}"));
                }
                copied = marker_end;
                marker_end
            }
            _ => i + 1,
        };
        i = skip_to.max(i + 1);
    }
    out.push_str(&sql[copied.min(sql.len())..]);
    Ok(Numbered { sql: out, markers: count, names })
}

fn excerpt(sql: &str, at: usize) -> &str {
    let end = (at + 12).min(sql.len());
    let end = (end..=sql.len()).find(|e| sql.is_char_boundary(*e)).unwrap_or(sql.len());
    &sql[at..end]
}

/// `E'…'` strings take backslash escapes.
pub(super) fn escapes_backslash(bytes: &[u8], quote: usize) -> bool {
    quote > 0
        && matches!(bytes[quote - 1], b'e' | b'E')
        && (quote == 1 || !(bytes[quote - 2].is_ascii_alphanumeric() || bytes[quote - 2] == b'_'))
}

/// Just past the closing quote (a doubled quote is part of the text).
pub(super) fn quoted_end(bytes: &[u8], open: usize, quote: u8, backslash: bool) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if backslash => i += 2,
            b if b == quote && bytes.get(i + 1) == Some(&quote) => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Just past a `/* … */` comment, which nests as in PostgreSQL.
pub(super) fn block_comment_end(bytes: &[u8], open: usize) -> usize {
    let (mut depth, mut i) = (0, open);
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Just past a `$tag$ … $tag$` string starting at `open` (`None`: not one, such as `$1`).
pub(super) fn dollar_quote_end(sql: &str, open: usize) -> Option<usize> {
    let rest = &sql[open + 1..];
    let tag_len = rest.find('$')?;
    let tag = &rest[..tag_len];
    let valid = tag.chars().next().is_none_or(|c| c.is_alphabetic() || c == '_')
        && tag.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !valid {
        return None;
    }
    let delimiter = &sql[open..open + tag_len + 2];
    let body = open + delimiter.len();
    Some(sql[body..].find(delimiter).map_or(sql.len(), |n| body + n + delimiter.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(sql: &str, style: ParamStyle) -> String {
        numbered_placeholders(sql, style).unwrap().sql
    }

    #[test]
    fn markers_outside_quotes_and_comments_are_numbered() {
        let sql = "SELECT ?, '?', \"a?\", $$?$$, $x$ ? $x$, E'\\'?', ? -- ?\n/* ? /* ? */ */ FROM t WHERE a = $1";
        assert_eq!(
            numbered(sql, ParamStyle::Qmark),
            "SELECT $1, '?', \"a?\", $$?$$, $x$ ? $x$, E'\\'?', $2 -- ?\n/* ? /* ? */ */ FROM t WHERE a = $1"
        );
        assert_eq!(numbered("SELECT %s, '%s', a %% 2, %s", ParamStyle::Format), "SELECT $1, '%s', a % 2, $2");
        let named = numbered_placeholders("SELECT %(a)s, %(b)s, %(a)s LIKE 'x%'", ParamStyle::Pyformat).unwrap();
        assert_eq!(named.sql, "SELECT $1, $2, $1 LIKE 'x%'");
        assert_eq!((named.markers, named.names), (3, vec!["a".to_string(), "b".to_string()]));
        assert_eq!(numbered_placeholders("SELECT $1, '%s'", ParamStyle::Format).unwrap().markers, 0);
        assert_eq!(numbered("SELECT 'it''s ?', ?", ParamStyle::Qmark), "SELECT 'it''s ?', $1");
        assert_eq!(numbered("SELECT 'é', ?", ParamStyle::Qmark), "SELECT 'é', $1");
    }

    #[test]
    fn stray_percent_signs_are_refused() {
        let error = numbered_placeholders("SELECT a % b, %s", ParamStyle::Format).unwrap_err();
        assert!(error.message.contains("%%"), "{}", error.message);
        assert!(numbered_placeholders("SELECT %(a", ParamStyle::Pyformat).is_err());
        assert!(numbered_placeholders("SELECT %s", ParamStyle::Pyformat).is_err());
    }
}
