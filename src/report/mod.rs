//! Reports: the call-flow JSON, the call table, the ladder diagram and statistics.

pub mod calljson;
pub mod json;
pub mod ladder;
pub mod stats;
pub mod style;
pub mod table;

#[cfg(test)]
mod testdata;
