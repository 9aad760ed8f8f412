//! Helpers of the CLI tests: run the binary with a fixed width and no colour, find the
//! shared corpus and the project's captures.
#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A capture of the shared corpus (`../shared/corpus/pcaps/NAME`).
pub fn corpus(name: &str) -> String {
    let p = root().join("../shared/corpus/pcaps").join(name);
    assert!(
        p.exists(),
        "{} is missing: clone the repository next to ../shared",
        p.display()
    );
    p.to_string_lossy().into_owned()
}

/// A capture of the project's own `captures/` (None when it is not there yet).
pub fn capture(name: &str) -> Option<String> {
    let p = root().join("captures").join(name);
    p.exists().then(|| p.to_string_lossy().into_owned())
}

/// `sipscope ARGS` with deterministic output: width 120, colour never unless the args ask,
/// no NO_COLOR/COLUMNS from the environment.
pub fn sipscope(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("sipscope").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("RUST_BACKTRACE")
        .args(["--width", "120"])
        .args(args);
    cmd
}

/// Runs and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = sipscope(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The data rows of a `calls` table (after the header and its rule, before the footer).
pub fn table_rows(out: &str) -> Vec<Vec<String>> {
    out.lines()
        .skip(2)
        .filter(|l| l.split_whitespace().nth(1) != Some("of"))
        .map(|l| {
            l.split("  ")
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect()
}
