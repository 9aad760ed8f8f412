//! The README's usage examples are real: every ```console block (`$ sipscope ARGS` then the
//! output) is run from the repository root with COLUMNS=100 and must print exactly that, and
//! every JSON excerpt must equal that part of the export. Blocks whose capture is not in
//! `captures/` are reported and skipped. `scripts/readme-usage.py` refreshes them.

use std::process::Command;

use serde_json::Value;

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[String]) -> String {
    let out = Command::new(assert_cmd::cargo::cargo_bin("sipscope"))
        .args(args)
        .current_dir(root())
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// Shell-like split (the README's commands use plain words and single quotes).
fn words(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in cmd.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn missing_capture(args: &[String]) -> Option<&String> {
    args.iter()
        .find(|a| a.starts_with("captures/") && !root().join(a.as_str()).exists())
}

fn pick<'a>(mut v: &'a Value, path: &str) -> &'a Value {
    for part in path.split(['.', '[']).filter(|p| !p.is_empty()) {
        v = match part.strip_suffix(']') {
            Some(i) => &v[i.parse::<usize>().unwrap()],
            None => &v[part],
        };
    }
    v
}

#[test]
fn readme_outputs_are_real() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut checked = 0;
    let mut skipped = Vec::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("```console\n$ sipscope ") {
        let block = &rest[i + "```console\n$ ".len()..];
        let end = block.find("```").unwrap();
        let (cmd, want) = block[..end].split_once('\n').unwrap();
        let args = words(cmd.strip_prefix("sipscope ").unwrap());
        if let Some(m) = missing_capture(&args) {
            skipped.push(m.clone());
        } else {
            assert_eq!(
                run(&args),
                want,
                "README block `{cmd}` is out of date: run scripts/readme-usage.py"
            );
            checked += 1;
        }
        rest = &block[end..];
    }
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<!-- excerpt: sipscope ") {
        let block = &rest[i + "<!-- excerpt: sipscope ".len()..];
        let (head, after) = block.split_once(" -->\n```json\n").unwrap();
        let (cmd, path) = head.rsplit_once(" | ").unwrap();
        let json_end = after.find("\n```").unwrap();
        let want: Value = serde_json::from_str(&after[..json_end]).unwrap();
        let args = words(cmd);
        if let Some(m) = missing_capture(&args) {
            skipped.push(m.clone());
        } else {
            let doc: Value = serde_json::from_str(&run(&args)).unwrap();
            assert_eq!(
                pick(&doc, path),
                &want,
                "README excerpt `{cmd} | {path}` is out of date"
            );
            checked += 1;
        }
        rest = &after[json_end..];
    }
    if !skipped.is_empty() {
        eprintln!("README blocks skipped, their captures are not in captures/: {skipped:?}");
    }
    assert!(checked + skipped.len() >= 5, "the README lost its examples");
}
