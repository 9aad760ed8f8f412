//! `sipscope generate man|bash|zsh|fish|elvish|powershell [-o DIR]` (hidden): completions and
//! man pages generated from the clap definition, so they never drift from `--help`.
//!
//! Packagers run, for example:
//! `sipscope generate man -o target/man` (sipscope.1, sipscope-calls.1, ...) and
//! `sipscope generate bash > /usr/share/bash-completion/completions/sipscope`.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use clap_complete::Shell;

use super::{CliError, CmdResult, GenerateArgs, GenerateWhat, out_err};

/// Runs the subcommand.
pub fn run(args: GenerateArgs) -> CmdResult {
    let mut cmd = super::command();
    cmd.build();
    let shell = match args.what {
        GenerateWhat::Man => return man(&cmd, args.out_dir.as_deref()),
        GenerateWhat::Bash => Shell::Bash,
        GenerateWhat::Zsh => Shell::Zsh,
        GenerateWhat::Fish => Shell::Fish,
        GenerateWhat::Elvish => Shell::Elvish,
        GenerateWhat::Powershell => Shell::PowerShell,
    };
    match args.out_dir {
        Some(dir) => {
            create_dir(&dir)?;
            let path = clap_complete::generate_to(shell, &mut cmd, "sipscope", &dir)
                .map_err(|e| CliError::input(format!("cannot write to {}: {e}", dir.display())))?;
            eprintln!("wrote {}", path.display());
        }
        None => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "sipscope", &mut buf);
            io::stdout().write_all(&buf).map_err(out_err)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn create_dir(dir: &Path) -> Result<(), CliError> {
    fs::create_dir_all(dir)
        .map_err(|e| CliError::input(format!("cannot create {}: {e}", dir.display())))
}

/// The main page on stdout, or every page (main and one per visible subcommand) into `dir`.
fn man(cmd: &clap::Command, dir: Option<&Path>) -> CmdResult {
    let render = |c: &clap::Command| -> Vec<u8> {
        let mut buf = Vec::new();
        // rendering into a Vec cannot fail
        let _ = clap_mangen::Man::new(c.clone()).render(&mut buf);
        buf
    };
    let Some(dir) = dir else {
        io::stdout().write_all(&render(cmd)).map_err(out_err)?;
        return Ok(ExitCode::SUCCESS);
    };
    create_dir(dir)?;
    let mut pages = vec![("sipscope.1".to_string(), render(cmd))];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("sipscope-{}", sub.get_name());
        let sub = sub.clone().name(name.clone()).display_name(name.clone());
        pages.push((format!("{name}.1"), render(&sub)));
    }
    for (file, bytes) in pages {
        let path = dir.join(file);
        fs::write(&path, bytes)
            .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
