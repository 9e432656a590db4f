//! Parsing Redshift SQL.
//!
//! sqlparser's Redshift dialect parses nearly everything; what it lacks are Redshift's physical
//! table attributes in their free order (`DISTSTYLE`, `DISTKEY`, `[COMPOUND|INTERLEAVED] SORTKEY`,
//! `BACKUP`, `ENCODE`) and the column attributes `ENCODE x`, `DISTKEY`, `SORTKEY`,
//! `IDENTITY(seed, step)`. Those are lifted out of the token stream into [`TableAttributes`] before
//! the rest is handed to sqlparser.

use crate::catalog::SortKind;
use crate::err;
use crate::error::{Error, Result};
use datafusion::sql::sqlparser::ast::Statement;
use datafusion::sql::sqlparser::dialect::RedshiftSqlDialect;
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::parser::Parser;
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};
use std::collections::HashMap;

/// Physical attributes of a CREATE TABLE that sqlparser does not keep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableAttributes {
    pub diststyle: Option<String>,
    pub distkey: Option<String>,
    pub sortkey: Option<(SortKind, Vec<String>)>,
    /// Per column (normalised name).
    pub columns: HashMap<String, ColumnAttributes>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnAttributes {
    pub encode: Option<String>,
    pub distkey: bool,
    pub sortkey: bool,
    pub identity: Option<(i64, i64)>,
}

/// One parsed statement with its text.
#[derive(Debug, Clone)]
pub struct ParsedStatement {
    pub statement: Statement,
    pub attributes: TableAttributes,
    /// The statement's own text (for view definitions and logs).
    pub text: String,
}

/// Parses a string of `;`-separated statements.
pub fn parse(sql: &str) -> Result<Vec<ParsedStatement>> {
    let dialect = RedshiftSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize_with_location()
        .map_err(|e| position_error(sql, Error::syntax(e.message.clone()), e.location.line, e.location.column))?;
    let tokens: Vec<TokenWithSpan> = tokens
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .map(fold_quoted_identifier)
        .collect();
    let lines = LineIndex::new(sql);
    let mut out = vec![];
    for statement_tokens in tokens.split(|t| t.token == Token::SemiColon) {
        if statement_tokens.iter().all(|t| t.token == Token::EOF) {
            continue;
        }
        let mut statement_tokens: Vec<TokenWithSpan> =
            statement_tokens.iter().filter(|t| t.token != Token::EOF).cloned().collect();
        let first = statement_tokens.first().expect("non-empty").span.start;
        let last = statement_tokens.last().expect("non-empty").span.end;
        let text = lines.slice(sql, first.line, first.column, last.line, last.column).trim().to_string();
        rewrite_abort(&mut statement_tokens);
        let attributes = extract_table_attributes(&mut statement_tokens)?;
        let end = TokenWithSpan::wrap(Token::EOF);
        statement_tokens.push(end);
        let mut parser = Parser::new(&dialect).with_tokens_with_locations(statement_tokens);
        let mut statement = parser.parse_statement().map_err(|e| parser_error(sql, &e.to_string()))?;
        if parser.peek_token().token != Token::EOF {
            let t = parser.peek_token();
            return Err(position_error(
                sql,
                Error::syntax(format!("syntax error at or near \"{}\"", t.token)),
                t.span.start.line,
                t.span.start.column,
            ));
        }
        crate::sql::names::name_output_columns(&mut statement);
        crate::sql::rewrite::redshift_to_standard(&mut statement)?;
        out.push(ParsedStatement { statement, attributes, text });
    }
    Ok(out)
}

/// Redshift folds even quoted identifiers to lower case (its default,
/// `enable_case_sensitive_identifier = off`): `"ColB"` names column `colb`.
fn fold_quoted_identifier(mut token: TokenWithSpan) -> TokenWithSpan {
    if let Token::Word(w) = &mut token.token {
        if w.quote_style == Some('"') {
            w.value = w.value.to_lowercase();
        }
    }
    token
}

/// Redshift's `ABORT` is `ROLLBACK`.
fn rewrite_abort(tokens: &mut [TokenWithSpan]) {
    if let Some(Token::Word(w)) = tokens.first().map(|t| &t.token) {
        if w.value.eq_ignore_ascii_case("abort") {
            tokens[0].token = Token::make_keyword("ROLLBACK");
        }
    }
}

fn is_word(token: Option<&TokenWithSpan>, word: &str) -> bool {
    matches!(token.map(|t| &t.token), Some(Token::Word(w)) if w.value.eq_ignore_ascii_case(word) && w.quote_style.is_none())
}

fn normalise(token: &Token) -> Option<String> {
    match token {
        Token::Word(w) if w.quote_style.is_some() => Some(w.value.clone()),
        Token::Word(w) => Some(w.value.to_ascii_lowercase()),
        _ => None,
    }
}

fn number(token: Option<&TokenWithSpan>) -> Result<i64> {
    match token.map(|t| &t.token) {
        Some(Token::Number(n, _)) => n.parse().map_err(|_| Error::syntax(format!("invalid number {n}"))),
        other => Err(Error::syntax(format!("expected a number in IDENTITY, found {other:?}"))),
    }
}

/// Finds the CREATE TABLE attributes, removes their tokens and returns them.
fn extract_table_attributes(tokens: &mut Vec<TokenWithSpan>) -> Result<TableAttributes> {
    let mut attrs = TableAttributes::default();
    if !is_word(tokens.first(), "create") {
        return Ok(attrs);
    }
    let Some(table_at) = tokens.iter().take(6).position(|t| matches!(&t.token, Token::Word(w) if w.keyword == Keyword::TABLE))
    else {
        return Ok(attrs);
    };
    let mut i = table_at + 1;
    if is_word(tokens.get(i), "if") {
        i += 3; // IF NOT EXISTS
    }
    // table name: ident (. ident)*
    i += 1;
    while tokens.get(i).map(|t| &t.token) == Some(&Token::Period) {
        i += 2;
    }
    let mut remove = vec![false; tokens.len()];
    if tokens.get(i).map(|t| &t.token) == Some(&Token::LParen) {
        let close = matching_paren(tokens, i)?;
        column_attributes(tokens, i + 1, close, &mut remove, &mut attrs)?;
        i = close + 1;
    }
    loop {
        let t = tokens.get(i);
        if is_word(t, "diststyle") {
            let style = tokens.get(i + 1).and_then(|t| normalise(&t.token)).ok_or_else(|| Error::syntax("DISTSTYLE needs a style"))?;
            attrs.diststyle = Some(style.to_ascii_uppercase());
            mark(&mut remove, i, 2);
            i += 2;
        } else if is_word(t, "distkey") {
            let (names, next) = paren_names(tokens, i + 1)?;
            attrs.distkey = names.into_iter().next();
            mark(&mut remove, i, next - i);
            i = next;
        } else if is_word(t, "compound") || is_word(t, "interleaved") || is_word(t, "sortkey") {
            let kind = if is_word(t, "interleaved") { SortKind::Interleaved } else { SortKind::Compound };
            let at = if is_word(t, "sortkey") { i } else { i + 1 };
            if !is_word(tokens.get(at), "sortkey") {
                return Err(syntax_at(tokens.get(at), "expected SORTKEY"));
            }
            if is_word(tokens.get(at + 1), "auto") {
                mark(&mut remove, i, at + 2 - i);
                i = at + 2;
                continue;
            }
            let (names, next) = paren_names(tokens, at + 1)?;
            attrs.sortkey = Some((kind, names));
            mark(&mut remove, i, next - i);
            i = next;
        } else if is_word(t, "backup") || is_word(t, "encode") {
            mark(&mut remove, i, 2);
            i += 2;
        } else {
            break;
        }
    }
    let mut index = 0;
    tokens.retain(|_| {
        index += 1;
        !remove[index - 1]
    });
    Ok(attrs)
}

fn mark(remove: &mut [bool], from: usize, count: usize) {
    for r in remove.iter_mut().skip(from).take(count) {
        *r = true;
    }
}

fn syntax_at(token: Option<&TokenWithSpan>, message: &str) -> Error {
    match token {
        Some(t) => Error::syntax(format!("{message}, found \"{}\"", t.token)),
        None => Error::syntax(format!("{message} at end of statement")),
    }
}

fn matching_paren(tokens: &[TokenWithSpan], open: usize) -> Result<usize> {
    let mut depth = 0;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => {}
        }
    }
    Err(Error::syntax("unbalanced parentheses"))
}

/// `( name [, name]* )` starting at `open`; returns the names and the index after `)`.
fn paren_names(tokens: &[TokenWithSpan], open: usize) -> Result<(Vec<String>, usize)> {
    if tokens.get(open).map(|t| &t.token) != Some(&Token::LParen) {
        return Err(syntax_at(tokens.get(open), "expected ("));
    }
    let close = matching_paren(tokens, open)?;
    let names = tokens[open + 1..close]
        .iter()
        .filter(|t| t.token != Token::Comma)
        .map(|t| normalise(&t.token).ok_or_else(|| syntax_at(Some(t), "expected a column name")))
        .collect::<Result<Vec<_>>>()?;
    Ok((names, close + 1))
}

/// Column-level Redshift attributes inside the column list `tokens[start..end]`.
fn column_attributes(
    tokens: &[TokenWithSpan],
    start: usize,
    end: usize,
    remove: &mut [bool],
    attrs: &mut TableAttributes,
) -> Result<()> {
    let mut element_start = start;
    let mut depth = 0;
    for i in start..=end {
        match tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen if i < end => depth -= 1,
            Token::Comma if depth == 0 => {}
            _ if i == end => {}
            _ => continue,
        }
        if (tokens[i].token == Token::Comma && depth == 0) || i == end {
            element_attributes(tokens, element_start, i, remove, attrs)?;
            element_start = i + 1;
        }
    }
    Ok(())
}

fn element_attributes(
    tokens: &[TokenWithSpan],
    start: usize,
    end: usize,
    remove: &mut [bool],
    attrs: &mut TableAttributes,
) -> Result<()> {
    let first = tokens.get(start);
    if ["primary", "unique", "foreign", "constraint", "check", "like"].iter().any(|w| is_word(first, w)) {
        return Ok(());
    }
    let Some(name) = first.and_then(|t| normalise(&t.token)) else { return Ok(()) };
    let mut column = ColumnAttributes::default();
    let mut depth = 0;
    let mut i = start + 1;
    while i < end {
        match tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ => {}
        }
        let t = tokens.get(i);
        if depth == 0 && is_word(t, "encode") {
            column.encode = tokens.get(i + 1).and_then(|t| normalise(&t.token));
            mark(remove, i, 2);
            i += 2;
        } else if depth == 0 && (is_word(t, "distkey") || is_word(t, "sortkey")) {
            if is_word(t, "distkey") {
                column.distkey = true;
            } else {
                column.sortkey = true;
            }
            mark(remove, i, 1);
            i += 1;
        } else if depth == 0 && (is_word(t, "identity") || is_word(t, "generated")) {
            let at = if is_word(t, "generated") {
                // GENERATED BY DEFAULT AS IDENTITY (seed, step)
                if !is_word(tokens.get(i + 4), "identity") {
                    return Err(syntax_at(tokens.get(i + 4), "expected GENERATED BY DEFAULT AS IDENTITY"));
                }
                i + 4
            } else {
                i
            };
            if tokens.get(at + 1).map(|t| &t.token) != Some(&Token::LParen) {
                return Err(syntax_at(tokens.get(at + 1), "IDENTITY needs (seed, step)"));
            }
            let seed = number(tokens.get(at + 2))?;
            let step = number(tokens.get(at + 4))?;
            if step == 0 {
                return Err(err!(INVALID_PARAMETER_VALUE, "IDENTITY step cannot be 0"));
            }
            column.identity = Some((seed, step));
            mark(remove, i, at + 6 - i);
            i = at + 6;
        } else {
            i += 1;
        }
    }
    if column != ColumnAttributes::default() {
        attrs.columns.insert(name, column);
    }
    Ok(())
}

/// Maps sqlparser's "… at Line: L, Column: C" onto a 42601 error with a character position.
fn parser_error(sql: &str, message: &str) -> Error {
    let clean = message.trim_start_matches("sql parser error: ");
    if let Some(at) = clean.rfind(" at Line: ") {
        let location = &clean[at + " at Line: ".len()..];
        let mut parts = location.split(", Column: ");
        let line = parts.next().and_then(|l| l.trim().parse().ok());
        let column = parts.next().and_then(|c| c.trim().parse().ok());
        if let (Some(line), Some(column)) = (line, column) {
            return position_error(sql, Error::syntax(describe(&clean[..at])), line, column);
        }
    }
    Error::syntax(describe(clean))
}

/// Puts sqlparser's message in PostgreSQL's words where it has a "found: X".
fn describe(message: &str) -> String {
    match message.rsplit_once("found: ") {
        Some((_, found)) if found != "EOF" => format!("syntax error at or near \"{found}\" ({message})"),
        Some(_) => format!("syntax error at end of input ({message})"),
        None => format!("syntax error: {message}"),
    }
}

fn position_error(sql: &str, err: Error, line: u64, column: u64) -> Error {
    let lines = LineIndex::new(sql);
    match lines.char_offset(sql, line, column) {
        Some(p) => err.with_position(p + 1),
        None => err,
    }
}

/// Converts sqlparser's 1-based line/column locations into offsets.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(sql: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(sql.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }
    fn byte_offset(&self, sql: &str, line: u64, column: u64) -> Option<usize> {
        let start = *self.starts.get((line as usize).checked_sub(1)?)?;
        let skip = (column as usize).checked_sub(1)?;
        Some(sql[start..].char_indices().nth(skip).map_or(sql.len(), |(i, _)| start + i))
    }
    fn char_offset(&self, sql: &str, line: u64, column: u64) -> Option<usize> {
        let byte = self.byte_offset(sql, line, column)?;
        Some(sql[..byte].chars().count())
    }
    fn slice<'a>(&self, sql: &'a str, l1: u64, c1: u64, l2: u64, c2: u64) -> &'a str {
        let from = self.byte_offset(sql, l1, c1).unwrap_or(0);
        let to = self.byte_offset(sql, l2, c2).unwrap_or(sql.len()).max(from);
        &sql[from..to]
    }
}
