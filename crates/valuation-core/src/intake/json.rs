//! JSON and JSON Lines: records streamed one at a time, so a large array is never held whole as
//! a tree. serde_json's recursion limit (128) turns hostile nesting into a parse error.

use super::FileKind;
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::Value;

/// JSON Lines when the first lines are each a complete value; otherwise one JSON document.
pub fn detect(text: &str) -> FileKind {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(20)
        .collect();
    let parsed = lines
        .iter()
        .filter(|l| l.starts_with(['{', '[']) && serde_json::from_str::<Value>(l).is_ok())
        .count();
    if lines.len() >= 2 && parsed * 10 >= lines.len() * 8 {
        FileKind::Jsonl
    } else {
        FileKind::Json
    }
}

pub struct Parsed {
    pub records: usize,
    pub unparsed: usize,
    pub error: Option<String>,
}

/// Calls `record` for each element of a top-level array, the object itself, or each line.
pub fn read_records(text: &str, kind: FileKind, mut record: impl FnMut(&Value)) -> Parsed {
    let mut parsed = Parsed {
        records: 0,
        unparsed: 0,
        error: None,
    };
    if kind == FileKind::Jsonl {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match serde_json::from_str::<Value>(line) {
                Ok(v) => {
                    parsed.records += 1;
                    record(&v);
                }
                Err(e) => {
                    parsed.unparsed += 1;
                    parsed.error.get_or_insert_with(|| e.to_string());
                }
            }
        }
        return parsed;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let mut count = 0;
    let result = RecordSeed {
        record: &mut record,
        count: &mut count,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    parsed.records = count;
    if let Err(e) = result {
        parsed.unparsed = 1;
        parsed.error = Some(e.to_string());
    }
    parsed
}

struct RecordSeed<'a, F> {
    record: &'a mut F,
    count: &'a mut usize,
}

impl<'de, F: FnMut(&Value)> DeserializeSeed<'de> for RecordSeed<'_, F> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(&Value)> Visitor<'de> for RecordSeed<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array of records or a JSON object")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            *self.count += 1;
            (self.record)(&v);
        }
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        *self.count += 1;
        (self.record)(&v);
        Ok(())
    }
}

use serde::Deserialize as _;

/// Leaf values under dotted key paths (`user.name`, `tags[]`), at most `max_leaves` of them.
pub fn flatten(value: &Value, max_leaves: usize) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), value)];
    while let Some((path, v)) = stack.pop() {
        if out.len() >= max_leaves {
            break;
        }
        match v {
            Value::Object(map) => {
                for (k, child) in map.iter().rev() {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    stack.push((p, child));
                }
            }
            Value::Array(items) => {
                for child in items.iter().rev() {
                    stack.push((format!("{path}[]"), child));
                }
            }
            _ => out.push((
                if path.is_empty() {
                    "value".into()
                } else {
                    path
                },
                v,
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_arrays_objects_and_lines() {
        let mut n = 0;
        let p = read_records("[{\"a\":1},{\"a\":2},3]", FileKind::Json, |_| n += 1);
        assert_eq!((p.records, p.unparsed, n), (3, 0, 3));
        let p = read_records("{\"a\":1}\nnot json\n{\"a\":2}", FileKind::Jsonl, |_| {});
        assert_eq!((p.records, p.unparsed), (2, 1));
        let p = read_records("[{\"a\":1}, {\"a\":", FileKind::Json, |_| {});
        assert_eq!((p.records, p.unparsed), (1, 1));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let p = read_records(&deep, FileKind::Json, |_| {});
        assert!(p.error.unwrap().contains("recursion limit"));
    }

    #[test]
    fn flattens_paths() {
        let v: Value = serde_json::from_str(r#"{"u":{"n":"x","t":[1,2]},"k":true}"#).unwrap();
        let paths: Vec<String> = flatten(&v, 10).into_iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["k", "u.n", "u.t[]", "u.t[]"]);
    }
}
