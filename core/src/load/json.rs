//! JSON as COPY reads it: a file of JSON objects one after another (whitespace between them), each
//! a row. `'auto'` fills each column from the key of its name (`'auto ignorecase'`: in any case);
//! a JSONPaths file names, for each column in order, the path to its value (`$.a.b`,
//! `$['a']['b']`, `$.a[0]`).
//!
//! Values become text for the shared conversion: strings unescaped, numbers exactly as written,
//! `null` as NULL, objects and arrays as their JSON text.

use super::delimited::{TextColumn, TextRows};
use super::{Reject, RejectKind};
use crate::err;
use crate::error::Result;
use serde_json::value::RawValue;
use std::collections::HashMap;

/// Which value of an object fills each column.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonMapping {
    Auto { ignore_case: bool },
    Paths(Vec<JsonPath>),
}

/// One JSONPath of a JSONPaths file: keys and array indexes from the root.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath(Vec<Step>);

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

impl JsonPath {
    pub fn parse(text: &str) -> Result<JsonPath> {
        let invalid = || err!(INVALID_PARAMETER_VALUE, "invalid JSONPath expression \"{text}\"");
        let mut rest = text.trim().strip_prefix('$').ok_or_else(invalid)?;
        let mut steps = vec![];
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('.') {
                let end = after.find(['.', '[']).unwrap_or(after.len());
                if end == 0 {
                    return Err(invalid());
                }
                steps.push(Step::Key(after[..end].to_string()));
                rest = &after[end..];
            } else if let Some(after) = rest.strip_prefix("['").or_else(|| rest.strip_prefix("[\"")) {
                let quote = if rest.as_bytes()[1] == b'\'' { "']" } else { "\"]" };
                let end = after.find(quote).ok_or_else(invalid)?;
                steps.push(Step::Key(after[..end].to_string()));
                rest = &after[end + 2..];
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']').ok_or_else(invalid)?;
                steps.push(Step::Index(after[..end].trim().parse().map_err(|_| invalid())?));
                rest = &after[end + 1..];
            } else {
                return Err(invalid());
            }
        }
        Ok(JsonPath(steps))
    }

    /// The paths of a JSONPaths file (`{"jsonpaths": ["$.a", …]}`).
    pub fn parse_file(data: &[u8]) -> Result<Vec<JsonPath>> {
        let invalid = |why: String| {
            err!(
                INVALID_PARAMETER_VALUE,
                "invalid JSONPaths file: {why} (expected {{\"jsonpaths\": [\"$.column\", …]}})"
            )
        };
        let file: serde_json::Value = serde_json::from_slice(data).map_err(|e| invalid(e.to_string()))?;
        let paths =
            file.get("jsonpaths").and_then(|p| p.as_array()).ok_or_else(|| invalid("no \"jsonpaths\" array".into()))?;
        paths
            .iter()
            .map(|p| JsonPath::parse(p.as_str().ok_or_else(|| invalid(format!("{p} is not a string")))?))
            .collect()
    }

    fn find<'a>(&self, object: &'a RawValue) -> Option<&'a RawValue> {
        let mut value = object;
        for step in &self.0 {
            value = match step {
                Step::Key(key) => members(value)?.into_iter().find(|(k, _)| k == key)?.1,
                Step::Index(i) => serde_json::from_str::<Vec<&RawValue>>(value.get()).ok()?.get(*i).copied()?,
            };
        }
        Some(value)
    }
}

fn members(value: &RawValue) -> Option<Vec<(String, &RawValue)>> {
    serde_json::from_str::<HashMap<String, &RawValue>>(value.get()).ok().map(|m| m.into_iter().collect())
}

/// The text a JSON value loads as (`None` for null).
fn value_text(value: &RawValue) -> Result<Option<String>, serde_json::Error> {
    let text = value.get();
    Ok(match text.as_bytes().first() {
        Some(b'"') => Some(serde_json::from_str::<String>(text)?),
        Some(b'n') if text == "null" => None,
        _ => Some(text.to_string()),
    })
}

/// The rows of a whole JSON file for the columns `names` (in order).
pub fn read_rows(data: &[u8], mapping: &JsonMapping, names: &[String]) -> Result<TextRows> {
    let width = names.len();
    if let JsonMapping::Paths(paths) = mapping {
        if paths.len() != width {
            return Err(err!(
                INVALID_PARAMETER_VALUE,
                "the JSONPaths file has {} expressions but COPY fills {width} columns",
                paths.len()
            ));
        }
    }
    let mut rows = TextRows { columns: (0..width).map(|_| TextColumn::default()).collect(), ..Default::default() };
    for column in &mut rows.columns {
        column.offsets.push(0);
    }
    let mut objects = serde_json::Deserializer::from_slice(data).into_iter::<&RawValue>();
    let mut line = 1u64;
    let mut start = 0usize;
    loop {
        let next = objects.next();
        let end = objects.byte_offset();
        // Whitespace before the object belongs to no row.
        let skipped = data[start..end].iter().take_while(|b| b.is_ascii_whitespace()).count();
        let object_start = start + skipped;
        line += memchr::memchr_iter(b'\n', &data[start..object_start]).count() as u64;
        let last_line = line + memchr::memchr_iter(b'\n', &data[object_start..end]).count() as u64;
        let raw_text = || String::from_utf8_lossy(&data[object_start..end]).into_owned();
        match next {
            None => break,
            Some(Err(e)) => {
                rows.rejects.push(
                    Reject::new(RejectKind::InvalidJson, last_line, None, raw_text(), String::new())
                        .with_detail(e.to_string()),
                );
                // Nothing after malformed JSON can be trusted to start an object.
                break;
            }
            Some(Ok(value)) => {
                let values = match row_values(value, mapping, names) {
                    Ok(values) => values,
                    Err(detail) => {
                        rows.rejects.push(
                            Reject::new(RejectKind::InvalidJson, last_line, None, raw_text(), String::new())
                                .with_detail(detail),
                        );
                        line = last_line;
                        start = end;
                        continue;
                    }
                };
                for (column, value) in rows.columns.iter_mut().zip(values) {
                    let valid = value.is_some();
                    column.bytes.extend_from_slice(value.unwrap_or_default().as_bytes());
                    column.offsets.push(column.bytes.len() as i32);
                    column.valid.push(valid);
                }
                rows.lines.push(last_line);
                rows.spans.push((object_start as u32, end as u32));
            }
        }
        line = last_line;
        start = end;
    }
    Ok(rows)
}

fn row_values(object: &RawValue, mapping: &JsonMapping, names: &[String]) -> Result<Vec<Option<String>>, String> {
    let found: Vec<Option<&RawValue>> = match mapping {
        JsonMapping::Auto { ignore_case } => {
            let members = members(object).ok_or_else(|| "a row must be a JSON object".to_string())?;
            names
                .iter()
                .map(|name| {
                    members
                        .iter()
                        .find(|(key, _)| if *ignore_case { key.eq_ignore_ascii_case(name) } else { key == name })
                        .map(|(_, v)| *v)
                })
                .collect()
        }
        JsonMapping::Paths(paths) => paths.iter().map(|p| p.find(object)).collect(),
    };
    found
        .into_iter()
        .map(|value| match value {
            None => Ok(None),
            Some(value) => value_text(value).map_err(|e| e.to_string()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(rows: &TextRows) -> Vec<Vec<Option<String>>> {
        (0..rows.len())
            .map(|r| rows.columns.iter().map(|c| c.value(r).map(|v| String::from_utf8(v.to_vec()).unwrap())).collect())
            .collect()
    }

    #[test]
    fn objects_fill_columns_by_name_or_path() {
        let data = br#"{"id": 1, "Name": "a\"b", "price": 12345678901234567890.125}
{"id": 2, "tags": [1, 2], "name": null}
  {"id": 3, "nested": {"x": "y"}}"#;
        let names = vec!["id".to_string(), "name".to_string(), "price".to_string()];
        let rows = read_rows(data, &JsonMapping::Auto { ignore_case: true }, &names).unwrap();
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            texts(&rows),
            vec![
                vec![s("1"), s("a\"b"), s("12345678901234567890.125")],
                vec![s("2"), None, None],
                vec![s("3"), None, None],
            ]
        );
        assert_eq!(rows.lines, vec![1, 2, 3]);
        let exact = read_rows(data, &JsonMapping::Auto { ignore_case: false }, &names).unwrap();
        assert_eq!(exact.columns[1].value(0), None, "'auto' matches names exactly");
        let paths = ["$.id", "$['nested']['x']", "$.tags[1]"].iter().map(|p| JsonPath::parse(p).unwrap()).collect();
        let rows = read_rows(data, &JsonMapping::Paths(paths), &names).unwrap();
        assert_eq!(texts(&rows)[2], vec![s("3"), s("y"), None]);
        assert_eq!(texts(&rows)[1][2], s("2"));
        let bad = read_rows(b"{\"id\": 1}\n{\"id\": }\n", &JsonMapping::Auto { ignore_case: false }, &names).unwrap();
        assert_eq!((bad.len(), bad.rejects.len(), bad.rejects[0].line), (1, 1, 2));
    }
}
