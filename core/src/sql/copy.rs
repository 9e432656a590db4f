//! What a COPY statement asks for: `COPY … FROM STDIN` / `COPY … TO STDOUT` with PostgreSQL's
//! text and CSV row formats, and Redshift's `COPY table FROM 's3://…' | 'file'` with its options
//! ([`LoadPlan`], run by `leader::load`).

use crate::catalog::QualifiedName;
use crate::err;
use crate::error::Result;
use crate::sql::ddl::{ident_name, qualified_name};
use datafusion::sql::sqlparser::ast::{
    CopyLegacyCsvOption, CopyLegacyOption, CopyOption, CopySource, CopyTarget, Statement,
};

impl CopyOptions {
    /// PostgreSQL's default: text, tab-delimited, `\N` for NULL.
    pub fn text() -> CopyOptions {
        CopyOptions { format: CopyFormat::Text, delimiter: b'\t', null: "\\N".into() }
    }

    /// How `COPY … FROM STDIN` reads rows in this format (a `\.` line ends them), and the
    /// header lines to skip.
    pub fn reader_format(&self) -> (DelimitedFormat, u64) {
        let base = DelimitedFormat {
            delimiter: self.delimiter,
            null: Some(self.null.clone().into_bytes()),
            end_marker: true,
            ..DelimitedFormat::default()
        };
        match self.format {
            CopyFormat::Text => (DelimitedFormat { escapes: Escapes::Postgres, ..base }, 0),
            CopyFormat::Csv { quote, escape, header } => {
                (DelimitedFormat { quote: Some(quote), quote_escape: escape, ..base }, header as u64)
            }
            CopyFormat::Plain { .. } => (base, 0),
        }
    }
}

/// The rows of a batch in a COPY format, a line at a time (`line` is reused), values written as
/// SQL prints them (times with a zone shown in `zone`).
pub fn encode_batch(
    batch: &datafusion::arrow::array::RecordBatch,
    options: &CopyOptions,
    zone: &datafusion::arrow::array::timezone::Tz,
    mut each: impl FnMut(&[u8]),
) -> Result<()> {
    let columns =
        batch.columns().iter().map(|c| crate::sql::format::column_to_text(c, zone)).collect::<Result<Vec<_>>>()?;
    let mut line = vec![];
    for r in 0..batch.num_rows() {
        line.clear();
        let values: Vec<Option<&str>> = columns.iter().map(|c| c[r].as_deref()).collect();
        encode_row(&values, options, &mut line);
        each(&line);
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub enum CopyFormat {
    /// PostgreSQL's text format: delimited, `\N` for NULL, backslash escapes.
    Text,
    Csv {
        quote: u8,
        escape: u8,
        header: bool,
    },
    /// Redshift's delimited text (UNLOAD's default): values as they are, in double quotes with
    /// ADDQUOTES; with ESCAPE a backslash before line breaks, the delimiter, backslashes (and
    /// quotes, with ADDQUOTES).
    Plain {
        add_quotes: bool,
        escape: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct CopyOptions {
    pub format: CopyFormat,
    pub delimiter: u8,
    /// The spelling of NULL (`\N` in text, an empty field in CSV).
    pub null: String,
}

/// A COPY between a client and the database.
#[derive(Debug, Clone)]
pub enum CopyPlan {
    /// Rows the client sends into `table` (all columns, or those listed, in that order).
    In { table: QualifiedName, columns: Vec<String>, options: CopyOptions },
    /// The rows of a query (`COPY t TO STDOUT` reads the whole table) sent to the client.
    Out { query: String, options: CopyOptions },
}

/// The COPY a statement asks for, if it is a COPY with the client (STDIN/STDOUT).
pub fn copy_plan(statement: &Statement) -> Result<Option<CopyPlan>> {
    let Statement::Copy { source, to, target, options, legacy_options, .. } = statement else { return Ok(None) };
    match (to, target) {
        (false, CopyTarget::Stdin) | (true, CopyTarget::Stdout) => {}
        (false, CopyTarget::File { .. }) => return Ok(None),
        (true, CopyTarget::File { .. }) => {
            return Err(err!(
                FEATURE_NOT_SUPPORTED,
                "COPY … TO a file is not supported; use UNLOAD, or COPY … TO STDOUT (psql \\copy)"
            ))
        }
        (_, CopyTarget::Program { .. }) => return Err(err!(FEATURE_NOT_SUPPORTED, "COPY … PROGRAM is not supported")),
        (true, CopyTarget::Stdin) | (false, CopyTarget::Stdout) => {
            return Err(err!(SYNTAX_ERROR, "COPY FROM STDOUT / TO STDIN"))
        }
    }
    let options = copy_options(options, legacy_options)?;
    Ok(Some(match (source, to) {
        (CopySource::Table { table_name, columns }, false) => CopyPlan::In {
            table: qualified_name(table_name)?,
            columns: columns.iter().map(ident_name).collect(),
            options,
        },
        (CopySource::Query(_), false) => return Err(err!(SYNTAX_ERROR, "COPY FROM needs a table, not a query")),
        (CopySource::Table { table_name, columns }, true) => {
            let list = if columns.is_empty() {
                "*".to_string()
            } else {
                columns.iter().map(|c| format!("\"{}\"", ident_name(c))).collect::<Vec<_>>().join(", ")
            };
            CopyPlan::Out { query: format!("SELECT {list} FROM {table_name}"), options }
        }
        (CopySource::Query(query), true) => CopyPlan::Out { query: query.to_string(), options },
    }))
}

/// Redshift COPY/UNLOAD options sqlparser does not read, lifted out of the statement by the
/// parser (`sql::parser`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadExtras {
    pub max_errors: Option<u64>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
    pub fill_record: bool,
    pub ignore_blank_lines: bool,
    pub trim_blanks: bool,
}

impl LoadExtras {
    /// The S3 keys given as ACCESS_KEY_ID, SECRET_ACCESS_KEY and SESSION_TOKEN.
    fn credentials(&self) -> Credentials {
        Credentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            session_token: self.session_token.clone(),
            ..Default::default()
        }
    }
}

/// At most one of GZIP, BZIP2 and ZSTD.
fn one_compression(given: &[Compression], statement: &str) -> Result<Compression> {
    match given {
        [] => Ok(Compression::None),
        [one] => Ok(*one),
        _ => Err(err!(SYNTAX_ERROR, "{statement} takes one of GZIP, BZIP2 and ZSTD")),
    }
}

/// The most rows MAXERROR may let through, as on Redshift.
pub const MAX_ERRORS_LIMIT: u64 = 100_000;

/// `COPY table [(columns)] FROM 's3://…' | 'file' …`.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    pub table: QualifiedName,
    pub columns: Vec<String>,
    pub source: String,
    /// The source is a manifest: a JSON list of the files to load.
    pub manifest: bool,
    pub format: LoadFormat,
    pub compression: Compression,
    pub credentials: Credentials,
    /// Rows that may be rejected (recorded in STL_LOAD_ERRORS) before the load fails.
    pub max_errors: u64,
    /// Lines skipped at the start of each file.
    pub ignore_header: u64,
    pub empty_as_null: bool,
    pub blanks_as_null: bool,
    pub truncate_columns: bool,
    pub trim_blanks: bool,
    pub accept_invalid_chars: Option<char>,
    pub date_format: Option<String>,
    pub time_format: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LoadFormat {
    Delimited(DelimitedFormat),
    /// `'auto'`, `'auto ignorecase'`, or where a JSONPaths file is.
    Json {
        paths: Option<String>,
        ignore_case: bool,
    },
    Parquet,
}

/// The load a `COPY … FROM 'location'` asks for.
pub fn load_plan(statement: &Statement, extras: &LoadExtras) -> Result<Option<LoadPlan>> {
    let Statement::Copy { source, to: false, target: CopyTarget::File { filename }, options, legacy_options, .. } =
        statement
    else {
        return Ok(None);
    };
    let CopySource::Table { table_name, columns } = source else {
        return Err(err!(SYNTAX_ERROR, "COPY FROM needs a table, not a query"));
    };
    if !options.is_empty() {
        return Err(err!(
            SYNTAX_ERROR,
            "COPY from a file takes Redshift's options (CSV, DELIMITER 'x', GZIP, …), not a parenthesised list"
        ));
    }
    let mut credentials = extras.credentials();
    let mut plan = LoadPlan {
        table: qualified_name(table_name)?,
        columns: columns.iter().map(ident_name).collect(),
        source: filename.clone(),
        manifest: false,
        format: LoadFormat::Delimited(DelimitedFormat::default()),
        compression: Compression::None,
        credentials: Credentials::default(),
        max_errors: extras.max_errors.unwrap_or(0),
        ignore_header: 0,
        empty_as_null: false,
        blanks_as_null: false,
        truncate_columns: false,
        trim_blanks: extras.trim_blanks,
        accept_invalid_chars: None,
        date_format: None,
        time_format: None,
    };
    if plan.max_errors > MAX_ERRORS_LIMIT {
        return Err(err!(INVALID_PARAMETER_VALUE, "MAXERROR must be at most {MAX_ERRORS_LIMIT}"));
    }
    let (mut csv, mut quote, mut delimiter, mut escape, mut remove_quotes, mut null) =
        (false, None, None, false, false, None);
    let mut compressions = vec![];
    for option in legacy_options {
        use CopyLegacyOption as O;
        match option {
            O::Csv(csv_options) => {
                csv = true;
                for o in csv_options {
                    match o {
                        CopyLegacyCsvOption::Quote(c) => quote = Some(single_byte(*c, "QUOTE")?),
                        other => return Err(err!(FEATURE_NOT_SUPPORTED, "COPY option CSV {other} is not supported")),
                    }
                }
            }
            O::Delimiter(c) => delimiter = Some(single_byte(*c, "DELIMITER")?),
            O::Null(n) => null = Some(n.clone()),
            O::Escape => escape = true,
            O::RemoveQuotes => remove_quotes = true,
            O::IgnoreHeader(n) => plan.ignore_header = *n,
            O::EmptyAsNull => plan.empty_as_null = true,
            O::BlankAsNull => plan.blanks_as_null = true,
            O::TruncateColumns => plan.truncate_columns = true,
            O::AcceptInvChars(c) => {
                let c = c.as_deref().unwrap_or("?");
                let mut chars = c.chars();
                plan.accept_invalid_chars = match (chars.next(), chars.next()) {
                    (Some(c), None) if c.is_ascii() => Some(c),
                    _ => return Err(err!(INVALID_PARAMETER_VALUE, "ACCEPTINVCHARS needs one ASCII character")),
                };
            }
            O::DateFormat(f) => plan.date_format = f.clone(),
            O::TimeFormat(f) => plan.time_format = f.clone(),
            O::Json(spec) => {
                let spec = spec.clone().unwrap_or_else(|| "auto".into());
                plan.format = match spec.to_ascii_lowercase().as_str() {
                    "auto" => LoadFormat::Json { paths: None, ignore_case: false },
                    "auto ignorecase" => LoadFormat::Json { paths: None, ignore_case: true },
                    "noshred" => return Err(err!(FEATURE_NOT_SUPPORTED, "JSON 'noshred' (SUPER) is not supported")),
                    _ => LoadFormat::Json { paths: Some(spec), ignore_case: false },
                };
            }
            O::Parquet => plan.format = LoadFormat::Parquet,
            O::Gzip => compressions.push(Compression::Gzip),
            O::Bzip2 => compressions.push(Compression::Bzip2),
            O::Zstd => compressions.push(Compression::Zstd),
            O::Manifest { .. } => plan.manifest = true,
            O::Credentials(text) => {
                let given = Credentials::parse_legacy(text)?;
                credentials = Credentials { region: credentials.region.take(), ..given };
            }
            O::IamRole(role) => credentials.iam_role = Some(role.to_string()),
            O::Region(region) => credentials.region = Some(region.clone()),
            // Statistics and compression encodings are kept up to date anyway.
            O::CompUpdate { .. } | O::StatUpdate(_) => {}
            O::AcceptAnyDate => {}
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "COPY option {other} is not supported")),
        }
    }
    plan.credentials = credentials;
    plan.compression = one_compression(&compressions, "COPY")?;
    if let LoadFormat::Delimited(format) = &mut plan.format {
        if csv && (escape || remove_quotes) {
            return Err(err!(
                SYNTAX_ERROR,
                "CSV cannot be used with {}",
                if escape { "ESCAPE" } else { "REMOVEQUOTES" }
            ));
        }
        format.delimiter = delimiter.unwrap_or(if csv { b',' } else { b'|' });
        if csv {
            format.quote = Some(quote.unwrap_or(b'"'));
            format.quote_escape = format.quote.expect("set");
        } else if remove_quotes {
            format.quote = Some(b'"');
            format.quote_escape = if escape { b'\\' } else { b'"' };
        }
        if escape {
            format.escapes = Escapes::Literal;
        }
        if let Some(null) = null {
            format.null = Some(null.into_bytes());
        }
        format.fill_record = extras.fill_record;
        format.ignore_blank_lines = extras.ignore_blank_lines;
    } else if csv || delimiter.is_some() || escape || remove_quotes {
        return Err(err!(
            SYNTAX_ERROR,
            "CSV, DELIMITER, ESCAPE and REMOVEQUOTES apply to text files, not JSON or Parquet"
        ));
    }
    if plan.format == LoadFormat::Parquet && plan.compression != Compression::None {
        return Err(err!(SYNTAX_ERROR, "Parquet files carry their own compression: leave out GZIP, BZIP2 and ZSTD"));
    }
    Ok(Some(plan))
}

/// `UNLOAD ('query') TO 's3://…' | 'file' …`.
#[derive(Debug, Clone)]
pub struct UnloadPlan {
    pub query: String,
    /// Where the files go: their names start with this.
    pub target: String,
    pub format: UnloadFormat,
    /// Text files start with a line of column names.
    pub header: bool,
    pub compression: Compression,
    pub credentials: Credentials,
    /// A file per slice (ON, the default), or one stream of files in the query's order.
    pub parallel: bool,
    pub max_file_bytes: u64,
    /// Hive-style directories (`col=value/`) by these columns; INCLUDE keeps them in the files.
    pub partition_by: Option<(Vec<String>, bool)>,
    pub manifest: bool,
    pub allow_overwrite: bool,
    /// Files under the target are removed first.
    pub clean_path: bool,
    pub extension: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum UnloadFormat {
    Text(CopyOptions),
    Parquet,
    Json,
}

/// Redshift's default and largest MAXFILESIZE: 6.2 GB.
pub const MAX_UNLOAD_FILE_BYTES: u64 = 6_200 * 1024 * 1024;

/// The unload an `UNLOAD` statement asks for.
pub fn unload_plan(statement: &Statement, extras: &LoadExtras) -> Result<Option<UnloadPlan>> {
    let Statement::Unload { query, query_text, to, auth, with, options } = statement else { return Ok(None) };
    if !with.is_empty() {
        return Err(err!(SYNTAX_ERROR, "UNLOAD takes Redshift's options (FORMAT PARQUET, CSV, GZIP, …), not WITH (…)"));
    }
    let query = match (query, query_text) {
        (Some(query), _) => query.to_string(),
        (None, Some(text)) => text.clone(),
        (None, None) => return Err(err!(SYNTAX_ERROR, "UNLOAD needs a query")),
    };
    let mut credentials = Credentials { iam_role: auth.as_ref().map(|a| a.to_string()), ..extras.credentials() };
    let mut plan = UnloadPlan {
        query,
        target: to.value.clone(),
        format: UnloadFormat::Text(CopyOptions::text()),
        header: false,
        compression: Compression::None,
        credentials: Credentials::default(),
        parallel: true,
        max_file_bytes: MAX_UNLOAD_FILE_BYTES,
        partition_by: None,
        manifest: false,
        allow_overwrite: false,
        clean_path: false,
        extension: None,
    };
    let (mut csv, mut parquet, mut json, mut delimiter, mut null, mut header, mut add_quotes, mut escape) =
        (false, false, false, None, None, false, false, false);
    let mut compressions = vec![];
    for option in options {
        use CopyLegacyOption as O;
        match option {
            O::Csv(csv_options) => {
                csv = true;
                for o in csv_options {
                    match o {
                        CopyLegacyCsvOption::Header => header = true,
                        other => return Err(err!(FEATURE_NOT_SUPPORTED, "UNLOAD option CSV {other} is not supported")),
                    }
                }
            }
            O::Parquet => parquet = true,
            O::Json(None) => json = true,
            O::Delimiter(c) => delimiter = Some(single_byte(*c, "DELIMITER")?),
            O::Null(n) => null = Some(n.clone()),
            O::Header => header = true,
            O::AddQuotes => add_quotes = true,
            O::Escape => escape = true,
            O::Gzip => compressions.push(Compression::Gzip),
            O::Bzip2 => compressions.push(Compression::Bzip2),
            O::Zstd => compressions.push(Compression::Zstd),
            O::Parallel(on) => plan.parallel = on.unwrap_or(true),
            O::MaxFileSize(size) => plan.max_file_bytes = file_bytes(size)?,
            O::PartitionBy(by) => plan.partition_by = Some((by.columns.iter().map(ident_name).collect(), by.include)),
            O::Manifest { .. } => plan.manifest = true,
            O::AllowOverwrite => plan.allow_overwrite = true,
            O::CleanPath => plan.clean_path = true,
            O::Extension(ext) => plan.extension = Some(ext.trim_start_matches('.').to_string()),
            O::Credentials(text) => {
                credentials = Credentials { region: credentials.region.take(), ..Credentials::parse_legacy(text)? }
            }
            O::IamRole(role) => credentials.iam_role = Some(role.to_string()),
            O::Region(region) => credentials.region = Some(region.clone()),
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "UNLOAD option {other} is not supported")),
        }
    }
    plan.credentials = credentials;
    plan.compression = one_compression(&compressions, "UNLOAD")?;
    let text_options = csv || delimiter.is_some() || null.is_some() || header || add_quotes || escape;
    plan.format = match (parquet, json) {
        (true, true) => return Err(err!(SYNTAX_ERROR, "UNLOAD takes one FORMAT")),
        (true, false) | (false, true) if text_options || plan.compression != Compression::None => {
            return Err(err!(
                SYNTAX_ERROR,
                "CSV, DELIMITER, NULL AS, HEADER, ADDQUOTES, ESCAPE and compression apply to text files only"
            ))
        }
        (true, false) => UnloadFormat::Parquet,
        (false, true) => UnloadFormat::Json,
        (false, false) if csv => {
            if add_quotes || escape {
                return Err(err!(SYNTAX_ERROR, "CSV cannot be used with ADDQUOTES or ESCAPE"));
            }
            UnloadFormat::Text(CopyOptions {
                format: CopyFormat::Csv { quote: b'"', escape: b'"', header: false },
                delimiter: delimiter.unwrap_or(b','),
                null: null.unwrap_or_default(),
            })
        }
        (false, false) => UnloadFormat::Text(CopyOptions {
            format: CopyFormat::Plain { add_quotes, escape },
            delimiter: delimiter.unwrap_or(b'|'),
            null: null.unwrap_or_default(),
        }),
    };
    plan.header = header;
    Ok(Some(plan))
}

/// MAXFILESIZE in bytes (MB when no unit is given, 5 MB to 6.2 GB).
fn file_bytes(size: &datafusion::sql::sqlparser::ast::FileSize) -> Result<u64> {
    use datafusion::sql::sqlparser::ast::{FileSizeUnit, Value};
    let number: f64 = match &size.size.value {
        Value::Number(n, _) => n.parse().map_err(|_| err!(SYNTAX_ERROR, "invalid MAXFILESIZE"))?,
        _ => return Err(err!(SYNTAX_ERROR, "MAXFILESIZE needs a number")),
    };
    let unit = match size.unit {
        Some(FileSizeUnit::GB) => 1024.0 * 1024.0 * 1024.0,
        _ => 1024.0 * 1024.0,
    };
    let bytes = (number * unit) as u64;
    if !(5 * 1024 * 1024..=MAX_UNLOAD_FILE_BYTES).contains(&bytes) {
        return Err(err!(INVALID_PARAMETER_VALUE, "MAXFILESIZE must be between 5 MB and 6.2 GB"));
    }
    Ok(bytes)
}

fn single_byte(c: char, what: &str) -> Result<u8> {
    u8::try_from(c as u32)
        .ok()
        .filter(|b| b.is_ascii())
        .ok_or_else(|| err!(FEATURE_NOT_SUPPORTED, "COPY {what} must be a single one-byte character"))
}

fn copy_options(options: &[CopyOption], legacy: &[CopyLegacyOption]) -> Result<CopyOptions> {
    let (mut csv, mut delimiter, mut null, mut quote, mut escape, mut header) = (false, None, None, b'"', None, false);
    for option in options {
        match option {
            CopyOption::Format(f) => match f.value.to_ascii_lowercase().as_str() {
                "csv" => csv = true,
                "text" => csv = false,
                other => return Err(err!(FEATURE_NOT_SUPPORTED, "COPY format \"{other}\" is not supported")),
            },
            CopyOption::Delimiter(c) => delimiter = Some(single_byte(*c, "delimiter")?),
            CopyOption::Null(n) => null = Some(n.clone()),
            CopyOption::Header(h) => header = *h,
            CopyOption::Quote(c) => quote = single_byte(*c, "quote")?,
            CopyOption::Escape(c) => escape = Some(single_byte(*c, "escape")?),
            CopyOption::Encoding(e) if e.eq_ignore_ascii_case("utf8") || e.eq_ignore_ascii_case("utf-8") => {}
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "COPY option {other} is not supported")),
        }
    }
    for option in legacy {
        match option {
            CopyLegacyOption::Delimiter(c) => delimiter = Some(single_byte(*c, "delimiter")?),
            CopyLegacyOption::Null(n) => null = Some(n.clone()),
            CopyLegacyOption::Header => header = true,
            CopyLegacyOption::Csv(csv_options) => {
                csv = true;
                for o in csv_options {
                    match o {
                        CopyLegacyCsvOption::Header => header = true,
                        CopyLegacyCsvOption::Quote(c) => quote = single_byte(*c, "quote")?,
                        CopyLegacyCsvOption::Escape(c) => escape = Some(single_byte(*c, "escape")?),
                        other => return Err(err!(FEATURE_NOT_SUPPORTED, "COPY option {other} is not supported")),
                    }
                }
            }
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "COPY option {other} is not supported with STDIN/STDOUT")),
        }
    }
    Ok(if csv {
        CopyOptions {
            format: CopyFormat::Csv { quote, escape: escape.unwrap_or(quote), header },
            delimiter: delimiter.unwrap_or(b','),
            null: null.unwrap_or_default(),
        }
    } else {
        if header {
            return Err(err!(FEATURE_NOT_SUPPORTED, "COPY HEADER is available only in CSV mode"));
        }
        let text = CopyOptions::text();
        CopyOptions {
            format: CopyFormat::Text,
            delimiter: delimiter.unwrap_or(text.delimiter),
            null: null.unwrap_or(text.null),
        }
    })
}

/// Appends one row (ending in a newline) in the COPY format.
pub fn encode_row(values: &[Option<&str>], options: &CopyOptions, out: &mut Vec<u8>) {
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(options.delimiter);
        }
        match (value, &options.format) {
            (None, _) => out.extend_from_slice(options.null.as_bytes()),
            (Some(v), CopyFormat::Text) => {
                for c in v.chars() {
                    match c {
                        '\\' => out.extend_from_slice(b"\\\\"),
                        '\n' => out.extend_from_slice(b"\\n"),
                        '\r' => out.extend_from_slice(b"\\r"),
                        '\t' => out.extend_from_slice(b"\\t"),
                        c if c as u32 == options.delimiter as u32 => {
                            out.push(b'\\');
                            out.push(options.delimiter);
                        }
                        c => {
                            let mut buf = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                }
            }
            (Some(v), CopyFormat::Plain { add_quotes, escape }) => {
                if *add_quotes {
                    out.push(b'"');
                }
                if *escape {
                    for b in v.bytes() {
                        if matches!(b, b'\n' | b'\r' | b'\\') || b == options.delimiter || (*add_quotes && b == b'"') {
                            out.push(b'\\');
                        }
                        out.push(b);
                    }
                } else {
                    out.extend_from_slice(v.as_bytes());
                }
                if *add_quotes {
                    out.push(b'"');
                }
            }
            (Some(v), CopyFormat::Csv { quote, escape, .. }) => {
                let needs_quotes = v.is_empty()
                    || v.bytes().any(|b| b == options.delimiter || b == *quote || b == b'\n' || b == b'\r')
                    || *v == options.null;
                if needs_quotes {
                    out.push(*quote);
                    for b in v.bytes() {
                        if b == *quote || b == *escape {
                            out.push(*escape);
                        }
                        out.push(b);
                    }
                    out.push(*quote);
                } else {
                    out.extend_from_slice(v.as_bytes());
                }
            }
        }
    }
    out.push(b'\n');
}

// The options' types; `load` reads by them.

/// How a COPY source is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Bzip2,
    Zstd,
}

/// What a backslash means outside quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escapes {
    /// Nothing: every byte is data (Redshift's default).
    None,
    /// Redshift's `ESCAPE`: the next character is data, whatever it is (delimiter, quote, line break).
    Literal,
    /// PostgreSQL's text format: `\t`, `\n`, `\r`, `\b`, `\f`, `\v` stand for control characters;
    /// any other escaped character is itself.
    Postgres,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DelimitedFormat {
    pub delimiter: u8,
    /// A field (or part of one) may be enclosed in this character (CSV, REMOVEQUOTES): delimiters
    /// and line breaks inside are data.
    pub quote: Option<u8>,
    /// Inside quotes, this character before the quote (or before itself) makes it data; the
    /// quote itself by default (`""`).
    pub quote_escape: u8,
    pub escapes: Escapes,
    /// An unquoted field spelled exactly so is NULL.
    pub null: Option<Vec<u8>>,
    /// A line `\.` ends the data (psql sends one).
    pub end_marker: bool,
    pub ignore_blank_lines: bool,
    /// Records with too few fields get NULLs (Redshift's FILLRECORD).
    pub fill_record: bool,
}

impl Default for DelimitedFormat {
    /// Redshift's default text format: `|`-delimited, no quotes or escapes, `\N` for NULL.
    fn default() -> DelimitedFormat {
        DelimitedFormat {
            delimiter: b'|',
            quote: None,
            quote_escape: b'"',
            escapes: Escapes::None,
            null: Some(b"\\N".to_vec()),
            end_marker: false,
            ignore_blank_lines: false,
            fill_record: false,
        }
    }
}

/// A statement's authorization for S3.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Credentials {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
    pub iam_role: Option<String>,
    pub region: Option<String>,
}

impl Credentials {
    /// `CREDENTIALS 'aws_access_key_id=…;aws_secret_access_key=…[;token=…]'` or
    /// `'aws_iam_role=arn:…'`.
    pub fn parse_legacy(text: &str) -> Result<Credentials> {
        let mut credentials = Credentials::default();
        for pair in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| err!(SYNTAX_ERROR, "CREDENTIALS needs key=value pairs separated by ';'"))?;
            let value = Some(value.trim().to_string());
            match key.trim().to_ascii_lowercase().as_str() {
                "aws_access_key_id" => credentials.access_key_id = value,
                "aws_secret_access_key" => credentials.secret_access_key = value,
                "token" | "aws_session_token" => credentials.session_token = value,
                "aws_iam_role" => credentials.iam_role = value,
                other => return Err(err!(SYNTAX_ERROR, "unknown CREDENTIALS key \"{other}\"")),
            }
        }
        Ok(credentials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::delimited::Tokenizer;

    /// Rows as COPY FROM STDIN reads them.
    fn read(data: &[u8], options: &CopyOptions, width: usize) -> Vec<Vec<Option<String>>> {
        let (format, header) = options.reader_format();
        let (rows, _) = Tokenizer::new(format, width, header).read(data, true);
        assert!(rows.rejects.is_empty(), "{:?}", rows.rejects);
        (0..rows.len())
            .map(|r| rows.columns.iter().map(|c| c.value(r).map(|v| String::from_utf8(v.to_vec()).unwrap())).collect())
            .collect()
    }

    fn csv(header: bool) -> CopyOptions {
        CopyOptions {
            format: CopyFormat::Csv { quote: b'"', escape: b'"', header },
            delimiter: b',',
            null: String::new(),
        }
    }

    #[test]
    fn text_rows_round_trip() {
        let values = [Some("a\tb\\c\nd"), None, Some("")];
        let mut out = vec![];
        encode_row(&values, &CopyOptions::text(), &mut out);
        assert_eq!(out, b"a\\tb\\\\c\\nd\t\\N\t\n");
        assert_eq!(
            read(&out, &CopyOptions::text(), 3),
            vec![vec![Some("a\tb\\c\nd".to_string()), None, Some(String::new())]]
        );
    }

    #[test]
    fn csv_rows_round_trip() {
        let mut out = vec![];
        encode_row(&[Some("x,\"y\""), None, Some("")], &csv(false), &mut out);
        assert_eq!(out, b"\"x,\"\"y\"\"\",,\"\"\n");
        let rows = read(&out, &csv(false), 3);
        assert_eq!(rows[0][0].as_deref(), Some("x,\"y\""));
        assert_eq!(rows[0][1], None);
        assert_eq!(rows[0][2].as_deref(), Some(""), "a quoted empty field is an empty string, not NULL");
    }

    #[test]
    fn csv_fields_span_lines_and_markers_end_the_data() {
        let data = b"a,b\r\n1,\"two\r\nlines\"\n\"\",\n\\.\nignored,row\n";
        assert_eq!(
            read(data, &csv(true), 2),
            vec![vec![Some("1".to_string()), Some("two\r\nlines".to_string())], vec![Some(String::new()), None],]
        );
    }

    #[test]
    fn redshift_plain_text_escapes_what_would_break_a_row() {
        let options = CopyOptions {
            format: CopyFormat::Plain { add_quotes: false, escape: true },
            delimiter: b'|',
            null: String::new(),
        };
        let mut out = vec![];
        encode_row(&[Some("a|b\nc\\"), None], &options, &mut out);
        assert_eq!(out, b"a\\|b\\\nc\\\\|\n");
    }
}
