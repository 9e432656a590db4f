//! Delimited text as COPY reads it: Redshift's default format (pipe-delimited, `ESCAPE`,
//! `REMOVEQUOTES`), CSV, and PostgreSQL's text and CSV formats of `COPY … FROM STDIN`.
//!
//! Fields go straight into one text column per field position (bytes, offsets, validity), so a
//! piece of a file becomes Arrow string arrays without a string per value. Records are read a
//! piece at a time: a record cut by the end of a piece waits for the next one.

use super::{Reject, RejectKind};
use crate::sql::copy::{DelimitedFormat, Escapes};
use memchr::{memchr, memchr2, memchr3};

/// The text of one field position across the rows of a piece.
#[derive(Debug, Default)]
pub struct TextColumn {
    pub bytes: Vec<u8>,
    /// `rows + 1` offsets into `bytes`.
    pub offsets: Vec<i32>,
    pub valid: Vec<bool>,
}

impl TextColumn {
    fn new() -> TextColumn {
        TextColumn { bytes: vec![], offsets: vec![0], valid: vec![] }
    }

    fn push_end(&mut self, valid: bool) {
        self.offsets.push(self.bytes.len() as i32);
        self.valid.push(valid);
    }

    fn truncate(&mut self, rows: usize) {
        if self.valid.len() > rows {
            self.valid.truncate(rows);
            self.offsets.truncate(rows + 1);
            self.bytes.truncate(self.offsets[rows] as usize);
        }
    }

    pub fn len(&self) -> usize {
        self.valid.len()
    }

    pub fn is_empty(&self) -> bool {
        self.valid.is_empty()
    }

    pub fn value(&self, row: usize) -> Option<&[u8]> {
        self.valid[row].then(|| &self.bytes[self.offsets[row] as usize..self.offsets[row + 1] as usize])
    }
}

/// The records read from a piece of data.
#[derive(Debug, Default)]
pub struct TextRows {
    pub columns: Vec<TextColumn>,
    /// Per row: the line it starts on, and its bytes in the piece.
    pub lines: Vec<u64>,
    pub spans: Vec<(u32, u32)>,
    /// Records that could not be split into the expected fields.
    pub rejects: Vec<Reject>,
}

impl TextRows {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Reads records of one file (or one COPY FROM STDIN), piece by piece.
#[derive(Debug)]
pub struct Tokenizer {
    format: DelimitedFormat,
    width: usize,
    /// The line the next record starts on.
    line: u64,
    header_lines: u64,
    ended: bool,
}

enum FieldEnd {
    Delimiter,
    LineBreak,
    /// The data ran out inside the field.
    Data,
}

impl Tokenizer {
    /// `header_lines` lines at the start are skipped (IGNOREHEADER, CSV HEADER).
    pub fn new(format: DelimitedFormat, width: usize, header_lines: u64) -> Tokenizer {
        Tokenizer { format, width, line: 1, header_lines, ended: false }
    }

    /// An end marker (`\.`) was read: the rest of the data is to be ignored.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Reads the complete records at the start of `data` (all of it when `last`). Returns them
    /// and how many bytes they took; the rest must come again, followed by more data.
    pub fn read(&mut self, data: &[u8], last: bool) -> (TextRows, usize) {
        let mut rows = TextRows { columns: (0..self.width).map(|_| TextColumn::new()).collect(), ..Default::default() };
        let mut pos = 0;
        while self.header_lines > 0 && !self.ended {
            match memchr(b'\n', &data[pos..]) {
                Some(i) => pos += i + 1,
                None if last => pos = data.len(),
                None => return (rows, pos),
            }
            self.header_lines -= 1;
            self.line += 1;
        }
        let mut scratch = vec![];
        while pos < data.len() && !self.ended {
            let rest = &data[pos..];
            if self.format.end_marker && rest.starts_with(b"\\.") {
                let after = &rest[2..];
                if after.is_empty() || after.starts_with(b"\n") || after.starts_with(b"\r\n") {
                    self.ended = true;
                    return (rows, data.len());
                }
                if !last && (after == b"\r") {
                    return (rows, pos);
                }
            }
            if self.format.ignore_blank_lines && (rest.starts_with(b"\n") || rest.starts_with(b"\r\n")) {
                pos += if rest[0] == b'\n' { 1 } else { 2 };
                self.line += 1;
                continue;
            }
            match self.record(data, pos, last, &mut rows, &mut scratch) {
                Some(next) => pos = next,
                None => return (rows, pos),
            }
        }
        (rows, if last || self.ended { data.len() } else { pos })
    }

    /// Reads the record at `start` into `rows`; returns where the next one starts, or `None`
    /// when the data ends inside it (and more may come).
    fn record(
        &mut self,
        data: &[u8],
        start: usize,
        last: bool,
        rows: &mut TextRows,
        scratch: &mut Vec<u8>,
    ) -> Option<usize> {
        let format = &self.format;
        let row = rows.lines.len();
        let first_line = self.line;
        let mut lines = 0u64;
        let mut pos = start;
        let mut fields = 0usize;
        let mut unterminated = false;
        loop {
            let out: &mut Vec<u8> = if fields < self.width {
                &mut rows.columns[fields].bytes
            } else {
                scratch.clear();
                scratch
            };
            let out_start = out.len();
            let raw_start = pos;
            let mut quoted = false;
            let mut in_quotes = false;
            let end = loop {
                if pos >= data.len() {
                    unterminated = in_quotes;
                    break FieldEnd::Data;
                }
                if in_quotes {
                    let quote = format.quote.expect("in quotes");
                    let escape = format.quote_escape;
                    match memchr2(quote, escape, &data[pos..]) {
                        None => {
                            lines += count_lines(&data[pos..]);
                            out.extend_from_slice(&data[pos..]);
                            pos = data.len();
                        }
                        Some(i) => {
                            let at = pos + i;
                            lines += count_lines(&data[pos..at]);
                            out.extend_from_slice(&data[pos..at]);
                            let next = data.get(at + 1).copied();
                            if data[at] == escape && (next == Some(quote) || (next == Some(escape) && escape != quote))
                            {
                                out.push(next.expect("checked"));
                                pos = at + 2;
                            } else if data[at] == quote {
                                if next.is_none() && escape == quote && !last {
                                    // `"` at the end of the piece may be the first half of `""`.
                                    pos = data.len();
                                    unterminated = true;
                                    break FieldEnd::Data;
                                }
                                in_quotes = false;
                                pos = at + 1;
                            } else {
                                // An escape character before anything else is data.
                                out.push(data[at]);
                                pos = at + 1;
                            }
                        }
                    }
                    continue;
                }
                let Some(i) = next_special(format, &data[pos..]) else {
                    out.extend_from_slice(&data[pos..]);
                    pos = data.len();
                    continue;
                };
                let at = pos + i;
                out.extend_from_slice(&data[pos..at]);
                let byte = data[at];
                if byte == format.delimiter {
                    pos = at + 1;
                    break FieldEnd::Delimiter;
                } else if byte == b'\n' {
                    pos = at + 1;
                    lines += 1;
                    break FieldEnd::LineBreak;
                } else if Some(byte) == format.quote {
                    in_quotes = true;
                    quoted = true;
                    pos = at + 1;
                } else {
                    // A backslash escape.
                    let Some(&next) = data.get(at + 1) else {
                        if last {
                            out.push(b'\\');
                            pos = at + 1;
                            continue;
                        }
                        pos = data.len();
                        break FieldEnd::Data;
                    };
                    if next == b'\n' {
                        lines += 1;
                    }
                    out.push(match (format.escapes, next) {
                        (Escapes::Postgres, b't') => b'\t',
                        (Escapes::Postgres, b'n') => b'\n',
                        (Escapes::Postgres, b'r') => b'\r',
                        (Escapes::Postgres, b'b') => 8,
                        (Escapes::Postgres, b'f') => 12,
                        (Escapes::Postgres, b'v') => 11,
                        (_, other) => other,
                    });
                    pos = at + 2;
                }
            };
            let mut raw_end = match end {
                FieldEnd::Data => pos,
                _ => pos - 1,
            };
            if matches!(end, FieldEnd::LineBreak | FieldEnd::Data)
                && raw_end > raw_start
                && data[raw_end - 1] == b'\r'
                && out.len() > out_start
                && out.last() == Some(&b'\r')
            {
                out.pop();
                raw_end -= 1;
            }
            if matches!(end, FieldEnd::Data) && !last {
                // Wait for the rest of the record.
                for column in &mut rows.columns {
                    column.truncate(row);
                }
                return None;
            }
            if fields < self.width {
                let is_null = !quoted && format.null.as_deref().is_some_and(|null| &data[raw_start..raw_end] == null);
                let column = &mut rows.columns[fields];
                if is_null {
                    column.bytes.truncate(out_start);
                }
                column.push_end(!is_null);
            }
            fields += 1;
            if !matches!(end, FieldEnd::Delimiter) {
                break;
            }
        }
        self.line += lines;
        let record_end = pos;
        let kind = if unterminated {
            Some(RejectKind::UnterminatedQuote)
        } else if fields > self.width {
            Some(RejectKind::ExtraColumns)
        } else if fields < self.width && !format.fill_record {
            Some(RejectKind::MissingColumns)
        } else {
            None
        };
        if let Some(kind) = kind {
            for column in &mut rows.columns {
                column.truncate(row);
            }
            let raw_line = trim_line(&data[start..record_end]);
            rows.rejects.push(Reject::new(
                kind,
                first_line,
                None,
                String::from_utf8_lossy(raw_line).into_owned(),
                String::new(),
            ));
            return Some(record_end);
        }
        for column in rows.columns.iter_mut().skip(fields) {
            column.push_end(false);
        }
        rows.lines.push(first_line);
        rows.spans.push((start as u32, record_end as u32));
        Some(record_end)
    }
}

/// Where the next byte that is not plain data is, outside quotes.
fn next_special(format: &DelimitedFormat, rest: &[u8]) -> Option<usize> {
    let escapes = format.escapes != Escapes::None;
    match (format.quote, escapes) {
        (None, false) => memchr2(format.delimiter, b'\n', rest),
        (Some(quote), false) => memchr3(format.delimiter, b'\n', quote, rest),
        (None, true) => memchr3(format.delimiter, b'\n', b'\\', rest),
        (Some(quote), true) => {
            let other = memchr3(format.delimiter, b'\n', b'\\', rest);
            memchr(quote, &rest[..other.unwrap_or(rest.len())]).or(other)
        }
    }
}

fn count_lines(data: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', data).count() as u64
}

/// A record's bytes without its line break.
pub fn trim_line(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redshift_text() -> DelimitedFormat {
        DelimitedFormat::default()
    }

    fn csv() -> DelimitedFormat {
        DelimitedFormat { delimiter: b',', quote: Some(b'"'), escapes: Escapes::None, ..redshift_text() }
    }

    fn values(rows: &TextRows) -> Vec<Vec<Option<String>>> {
        (0..rows.len())
            .map(|r| rows.columns.iter().map(|c| c.value(r).map(|v| String::from_utf8(v.to_vec()).unwrap())).collect())
            .collect()
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn pipe_delimited_with_nulls_and_bad_records() {
        let mut t = Tokenizer::new(redshift_text(), 2, 0);
        let data = b"1|a\r\n2|\\N\n3\n4|b|c\n5|";
        let (rows, used) = t.read(data, true);
        assert_eq!(used, data.len());
        assert_eq!(values(&rows), vec![vec![s("1"), s("a")], vec![s("2"), None], vec![s("5"), s("")]]);
        assert_eq!(rows.lines, vec![1, 2, 5]);
        let rejects: Vec<(u64, RejectKind, &str)> =
            rows.rejects.iter().map(|r| (r.line, r.kind, r.raw_line.as_str())).collect();
        assert_eq!(rejects, vec![(3, RejectKind::MissingColumns, "3"), (4, RejectKind::ExtraColumns, "4|b|c")]);
    }

    #[test]
    fn records_wait_for_the_rest_of_the_piece() {
        let mut t = Tokenizer::new(csv(), 2, 1);
        let data = b"h1,h2\n1,\"x\ny\"\n2,\"ab";
        let (rows, used) = t.read(data, false);
        assert_eq!(values(&rows), vec![vec![s("1"), s("x\ny")]]);
        assert_eq!(used, 14);
        let mut rest = data[used..].to_vec();
        rest.extend_from_slice(b"\"\"c\"\n");
        let (rows, used) = t.read(&rest, true);
        assert_eq!(used, rest.len());
        assert_eq!(values(&rows), vec![vec![s("2"), s("ab\"c")]]);
        assert_eq!(rows.lines, vec![4], "the header and the quoted line break count");
    }

    #[test]
    fn escapes_and_quotes() {
        let literal = DelimitedFormat { escapes: Escapes::Literal, ..redshift_text() };
        let (rows, _) = Tokenizer::new(literal, 2, 0).read(b"a\\|b|c\\\nd\n", true);
        assert_eq!(values(&rows), vec![vec![s("a|b"), s("c\nd")]]);
        let postgres =
            DelimitedFormat { delimiter: b'\t', escapes: Escapes::Postgres, end_marker: true, ..redshift_text() };
        let (rows, _) = Tokenizer::new(postgres, 2, 0).read(b"a\\tb\t\\N\n\\.\nignored\tx\n", true);
        assert_eq!(values(&rows), vec![vec![s("a\tb"), None]]);
        let (rows, _) = Tokenizer::new(csv(), 3, 0).read(b"\"\",,\"a,b\"\n\"open\n", true);
        assert_eq!(values(&rows), vec![vec![s(""), s(""), s("a,b")]]);
        assert_eq!(rows.rejects[0].kind, RejectKind::UnterminatedQuote);
    }
}
