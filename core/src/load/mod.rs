//! Loading and the data lake: the files COPY reads and UNLOAD writes, where they are
//! ([`lake`]: S3 and local files through `object_store`), how they are read (delimited text,
//! JSON, Parquet; gzip, bzip2, zstd) and how their values become a table's (with Redshift's rules
//! for empty fields, lengths and dates, and rejected rows for `STL_LOAD_ERRORS`).
//!
//! What a COPY statement asks for is parsed in `sql::copy`; the leader runs it (`leader::load`),
//! inside the statement's transaction.

pub mod convert;
pub mod delimited;
pub mod json;
pub mod lake;

use crate::error::sqlstate;
use crate::sql::copy::Compression;

/// How far the running COPY or UNLOAD of a session is, for a progress display (the shell's).
#[derive(Debug, Default)]
pub struct Progress {
    /// "COPY" or "UNLOAD" while one runs; empty otherwise.
    what: std::sync::Mutex<&'static str>,
    rows: std::sync::atomic::AtomicU64,
    bytes: std::sync::atomic::AtomicU64,
}

impl Progress {
    pub(crate) fn start(&self, what: &'static str) {
        *crate::sync::lock(&self.what) = what;
        self.rows.store(0, std::sync::atomic::Ordering::Relaxed);
        self.bytes.store(0, std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn stop(&self) {
        *crate::sync::lock(&self.what) = "";
    }

    pub(crate) fn add(&self, rows: u64, bytes: u64) {
        self.rows.fetch_add(rows, std::sync::atomic::Ordering::Relaxed);
        self.bytes.fetch_add(bytes, std::sync::atomic::Ordering::Relaxed);
    }

    /// What runs, with the rows and (uncompressed) bytes done so far; `None` when nothing runs.
    pub fn snapshot(&self) -> Option<(&'static str, u64, u64)> {
        let what = *crate::sync::lock(&self.what);
        (!what.is_empty()).then(|| {
            (
                what,
                self.rows.load(std::sync::atomic::Ordering::Relaxed),
                self.bytes.load(std::sync::atomic::Ordering::Relaxed),
            )
        })
    }
}

impl Compression {
    /// A reader of the uncompressed bytes.
    pub fn decoder<'a>(
        self,
        input: Box<dyn std::io::Read + Send + 'a>,
    ) -> std::io::Result<Box<dyn std::io::Read + Send + 'a>> {
        Ok(match self {
            Compression::None => input,
            // Multi-member: concatenated gzip files are one stream, as gzip -d reads them.
            Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(input)),
            Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(input)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(input)?),
        })
    }

    /// A writer that compresses into memory (see [`Compressor::take`]).
    pub fn encoder(self) -> crate::Result<Compressor> {
        Ok(match self {
            Compression::None => Compressor::None(vec![]),
            Compression::Gzip => {
                Compressor::Gzip(flate2::write::GzEncoder::new(vec![], flate2::Compression::default()))
            }
            Compression::Bzip2 => {
                Compressor::Bzip2(bzip2::write::BzEncoder::new(vec![], bzip2::Compression::default()))
            }
            Compression::Zstd => Compressor::Zstd(
                zstd::stream::write::Encoder::new(vec![], 3).map_err(|e| crate::err!(INTERNAL_ERROR, "zstd: {e}"))?,
            ),
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            Compression::None => "",
            Compression::Gzip => ".gz",
            Compression::Bzip2 => ".bz2",
            Compression::Zstd => ".zst",
        }
    }
}

/// Compresses into memory; the compressed bytes are taken out as they come, so a file streams.
pub enum Compressor {
    None(Vec<u8>),
    Gzip(flate2::write::GzEncoder<Vec<u8>>),
    Bzip2(bzip2::write::BzEncoder<Vec<u8>>),
    Zstd(zstd::stream::write::Encoder<'static, Vec<u8>>),
}

impl Compressor {
    pub fn write(&mut self, data: &[u8]) -> crate::Result<()> {
        use std::io::Write;
        let written = match self {
            Compressor::None(out) => {
                out.extend_from_slice(data);
                Ok(())
            }
            Compressor::Gzip(w) => w.write_all(data),
            Compressor::Bzip2(w) => w.write_all(data),
            Compressor::Zstd(w) => w.write_all(data),
        };
        written.map_err(|e| crate::err!(INTERNAL_ERROR, "compressing: {e}"))
    }

    /// The compressed bytes so far.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(match self {
            Compressor::None(out) => out,
            Compressor::Gzip(w) => w.get_mut(),
            Compressor::Bzip2(w) => w.get_mut(),
            Compressor::Zstd(w) => w.get_mut(),
        })
    }

    /// The rest of the compressed bytes.
    pub fn finish(self) -> crate::Result<Vec<u8>> {
        let finished = match self {
            Compressor::None(out) => Ok(out),
            Compressor::Gzip(w) => w.finish(),
            Compressor::Bzip2(w) => w.finish(),
            Compressor::Zstd(w) => w.finish(),
        };
        finished.map_err(|e| crate::err!(INTERNAL_ERROR, "compressing: {e}"))
    }
}

/// Why a row was not loaded, with Redshift's error codes (`STL_LOAD_ERRORS.err_code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectKind {
    ExtraColumns,
    MissingColumns,
    UnterminatedQuote,
    InvalidJson,
    TooLong,
    InvalidDate,
    InvalidTimestamp,
    InvalidNumber,
    InvalidBoolean,
    NotNull,
    CharField,
    InvalidUtf8,
}

impl RejectKind {
    pub fn code(self) -> i32 {
        match self {
            RejectKind::ExtraColumns => 1202,
            RejectKind::MissingColumns => 1214,
            RejectKind::UnterminatedQuote | RejectKind::InvalidJson => 1216,
            RejectKind::TooLong => 1204,
            RejectKind::InvalidDate => 1205,
            RejectKind::InvalidTimestamp => 1206,
            RejectKind::InvalidNumber => 1207,
            RejectKind::InvalidBoolean => 1210,
            RejectKind::NotNull => 1213,
            RejectKind::CharField => 1215,
            RejectKind::InvalidUtf8 => 1220,
        }
    }

    pub fn reason(self) -> &'static str {
        match self {
            RejectKind::ExtraColumns => "Extra column(s) found",
            RejectKind::MissingColumns => "Delimiter not found",
            RejectKind::UnterminatedQuote => "Invalid input line: unterminated quoted field",
            RejectKind::InvalidJson => "Invalid JSON",
            RejectKind::TooLong => "String length exceeds DDL length",
            RejectKind::InvalidDate => "Invalid date format",
            RejectKind::InvalidTimestamp => "Invalid timestamp format or value",
            RejectKind::InvalidNumber => "Invalid digit or number out of range",
            RejectKind::InvalidBoolean => "Invalid boolean value",
            RejectKind::NotNull => "Missing data for not-null field",
            RejectKind::CharField => "Multibyte character not supported for CHAR",
            RejectKind::InvalidUtf8 => "String contains invalid or unsupported UTF8 codepoints",
        }
    }

    /// The SQLSTATE of a COPY that fails on this.
    pub fn sqlstate(self) -> &'static str {
        match self {
            RejectKind::ExtraColumns
            | RejectKind::MissingColumns
            | RejectKind::UnterminatedQuote
            | RejectKind::InvalidJson => sqlstate::BAD_COPY_FILE_FORMAT,
            RejectKind::TooLong => sqlstate::STRING_DATA_RIGHT_TRUNCATION,
            RejectKind::InvalidDate | RejectKind::InvalidTimestamp => sqlstate::INVALID_DATETIME_FORMAT,
            RejectKind::InvalidNumber | RejectKind::InvalidBoolean => sqlstate::INVALID_TEXT_REPRESENTATION,
            RejectKind::NotNull => sqlstate::NOT_NULL_VIOLATION,
            RejectKind::CharField | RejectKind::InvalidUtf8 => sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
        }
    }
}

/// A row COPY did not load.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub kind: RejectKind,
    /// The line of the file the row starts on (1-based).
    pub line: u64,
    /// The table column (index) whose value was refused.
    pub column: Option<usize>,
    /// The row's text (its first 1024 characters).
    pub raw_line: String,
    pub raw_value: String,
    /// More about the refusal (the conversion's message).
    pub detail: String,
}

/// As much of a raw line as `STL_LOAD_ERRORS` keeps.
const RAW_LINE_CHARS: usize = 1024;

impl Reject {
    pub fn new(kind: RejectKind, line: u64, column: Option<usize>, raw_line: String, raw_value: String) -> Reject {
        let raw_line = match raw_line.char_indices().nth(RAW_LINE_CHARS) {
            Some((cut, _)) => raw_line[..cut].to_string(),
            None => raw_line,
        };
        Reject { kind, line, column, raw_line, raw_value, detail: String::new() }
    }

    pub fn with_detail(mut self, detail: String) -> Reject {
        self.detail = detail;
        self
    }

    pub fn reason(&self) -> String {
        if self.detail.is_empty() {
            self.kind.reason().to_string()
        } else {
            format!("{}: {}", self.kind.reason(), self.detail)
        }
    }
}
