//! `sipscope generate` (hidden): man pages and shell completions from the clap definition.

mod cli_support;

use cli_support::run;

#[test]
fn man_pages_and_completions() {
    let (code, out, _) = run(&["generate", "man"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(".ie \\n(.g .ds Aq") || out.contains(".TH sipscope 1"),
        "{out}"
    );
    assert!(
        out.contains("sipscope\\-calls(1)") || out.contains("calls"),
        "{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["generate", "man", "-o", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for page in [
        "sipscope.1",
        "sipscope-calls.1",
        "sipscope-flow.1",
        "sipscope-stats.1",
        "sipscope-export.1",
        "sipscope-sniff.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
    let calls = std::fs::read_to_string(dir.path().join("sipscope-calls.1")).unwrap();
    assert!(
        calls.contains("\\-\\-state") && calls.contains("Examples:"),
        "{calls}"
    );
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, out, _) = run(&["generate", shell]);
        assert_eq!(code, 0, "{shell}");
        assert!(out.contains("sipscope"), "{shell}");
        assert!(out.contains("call-id"), "{shell}");
    }
    // the hidden command stays out of --help
    let (_, help, _) = run(&["--help"]);
    assert!(!help.contains("generate"), "{help}");
}
