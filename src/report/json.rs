//! The call-flow JSON (schema 1, GUIDE §3; every field documented in
//! `docs/schema/export.schema.json`).
//!
//! [`JsonWriter`] streams: the document header first, then each call as the engine hands
//! it out, then the capture-wide metrics, counters and warnings, so that exporting a huge
//! capture never holds more than the open calls in memory. NDJSON mode writes one call per
//! line and nothing else.

use std::io::{self, Write};

use serde::Serialize;

use crate::flow::{Analysis, Call, Counters, Metrics};

/// Version of the JSON contract.
pub const SCHEMA_VERSION: u32 = 1;

/// The `generator` value: `sipscope <version>`.
pub fn generator() -> String {
    format!("sipscope {}", env!("CARGO_PKG_VERSION"))
}

/// What follows the calls in a document.
#[derive(Serialize)]
struct Trailer<'a> {
    metrics: &'a Metrics,
    counters: &'a Counters,
    warnings: &'a [String],
}

/// Writes calls as one JSON document or as NDJSON.
pub struct JsonWriter<W: Write> {
    out: W,
    ndjson: bool,
    calls: u64,
    /// Each call is serialised here first and written with one `write_all`: serde writes
    /// a call in hundreds of small pieces, and passing each through `out` cost more than
    /// the serialisation itself.
    scratch: Vec<u8>,
}

impl<W: Write> JsonWriter<W> {
    /// A document writer: writes `{"schema":1,"generator":...,"calls":[` now.
    pub fn document(mut out: W) -> io::Result<Self> {
        write!(out, "{{\"schema\":{SCHEMA_VERSION},\"generator\":")?;
        serde_json::to_writer(&mut out, &generator())?;
        out.write_all(b",\"calls\":[")?;
        Ok(JsonWriter {
            out,
            ndjson: false,
            calls: 0,
            scratch: Vec::new(),
        })
    }

    /// An NDJSON writer: one call object per line.
    pub fn ndjson(out: W) -> Self {
        JsonWriter {
            out,
            ndjson: true,
            calls: 0,
            scratch: Vec::new(),
        }
    }

    /// Writes one call.
    pub fn call(&mut self, call: &Call) -> io::Result<()> {
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        super::calljson::write_call(&mut buf, call);
        let r = self.call_json(&buf);
        self.scratch = buf;
        r
    }

    /// Writes one call already serialised by [`super::calljson::write_call`] (the same
    /// bytes as `serde_json::to_writer(call)`; e.g. on
    /// another thread): the same output as [`JsonWriter::call`].
    pub fn call_json(&mut self, json: &[u8]) -> io::Result<()> {
        if self.ndjson {
            self.out.write_all(json)?;
            self.out.write_all(b"\n")?;
        } else {
            if self.calls > 0 {
                self.out.write_all(b",\n")?;
            } else {
                self.out.write_all(b"\n")?;
            }
            self.out.write_all(json)?;
        }
        self.calls += 1;
        Ok(())
    }

    /// Number of calls written.
    pub fn written(&self) -> u64 {
        self.calls
    }

    /// Closes the document with the metrics, counters and warnings (NDJSON: nothing more)
    /// and flushes. Returns the writer.
    pub fn finish(
        mut self,
        metrics: &Metrics,
        counters: &Counters,
        warnings: &[String],
    ) -> io::Result<W> {
        if !self.ndjson {
            self.out.write_all(b"],")?;
            let t = serde_json::to_string(&Trailer {
                metrics,
                counters,
                warnings,
            })?;
            // splice the trailer's fields into the document object
            self.out.write_all(&t.as_bytes()[1..])?;
            self.out.write_all(b"\n")?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The whole document for an analysis, as a value (tests, small captures).
pub fn to_value(analysis: &Analysis, warnings: &[String]) -> serde_json::Value {
    let mut w = JsonWriter::document(Vec::new()).expect("writing to memory");
    for c in &analysis.calls {
        w.call(c).expect("writing to memory");
    }
    let bytes = w
        .finish(&analysis.metrics, &analysis.counters, warnings)
        .expect("writing to memory");
    serde_json::from_slice(&bytes).expect("the writer produces JSON")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{Config, Engine};

    #[test]
    fn empty_document_is_valid_json_with_the_contract_header() {
        let a = Engine::new(Config::default()).finish();
        let v = to_value(&a, &["cut short".to_string()]);
        assert_eq!(v["schema"], 1);
        assert_eq!(v["generator"], generator());
        assert!(v["calls"].as_array().unwrap().is_empty());
        assert_eq!(v["warnings"][0], "cut short");
        assert!(v["metrics"]["ser"].is_null());
        assert_eq!(v["counters"]["messages"], 0);
    }

    #[test]
    fn ndjson_is_one_line_per_call_and_nothing_else() {
        let w = JsonWriter::ndjson(Vec::new());
        let out = w
            .finish(&Metrics::default(), &Counters::default(), &[])
            .unwrap();
        assert!(out.is_empty());
    }
}
