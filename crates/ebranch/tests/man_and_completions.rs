//! `ebranch man` and `ebranch completions` through the real binary: every command has a
//! page, every page renders without a warning from man/groff, and the completion scripts
//! parse in bash, zsh and fish and complete commands and options. Needs `man` (man-db),
//! `groff`, `zsh` and `fish` (`.ci/run` installs them).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

fn ebranch(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_ebranch"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ebranch {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout_of(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The subcommands `--help` lists under "Commands:" (without `help`).
fn listed_subcommands(path: &[&str]) -> Vec<String> {
    let mut args = path.to_vec();
    args.push("--help");
    let help = stdout_of(&ebranch(&args));
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// Every command path, found by walking `--help`: `[]`, `["query"]`, `["query", "info"]`...
fn all_command_paths() -> Vec<Vec<String>> {
    let mut paths = vec![Vec::new()];
    let mut i = 0;
    while i < paths.len() {
        let path: Vec<&str> = paths[i].iter().map(String::as_str).collect();
        for sub in listed_subcommands(&path) {
            let mut child = paths[i].clone();
            child.push(sub);
            paths.push(child);
        }
        i += 1;
    }
    paths
}

fn write_pages(dir: &Path) -> BTreeSet<String> {
    let out = ebranch(&["man", dir.to_str().unwrap()]);
    let printed: BTreeSet<String> = stdout_of(&out).lines().map(str::to_owned).collect();
    let files: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let printed_names: BTreeSet<String> = printed
        .iter()
        .map(|p| {
            Path::new(p)
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(printed_names, files, "`ebranch man` prints what it writes");
    files
}

#[test]
fn every_command_has_a_man_page_and_no_page_is_extra() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_pages(dir.path());
    let expected: BTreeSet<String> = all_command_paths()
        .iter()
        .map(|path| {
            let mut name = vec!["ebranch".to_owned()];
            name.extend(path.iter().cloned());
            format!("{}.1", name.join("-"))
        })
        .collect();
    assert!(expected.len() > 20, "walked only {expected:?}");
    assert_eq!(files, expected);
}

#[test]
fn every_man_page_renders_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    for file in write_pages(dir.path()) {
        let path = dir.path().join(&file);
        let out = Command::new("man")
            .args(["-l", "--warnings"])
            .arg(&path)
            .env("MANWIDTH", "80")
            .env("LC_ALL", "C.UTF-8")
            .output()
            .expect("man (man-db) is installed");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.is_empty(),
            "{file}: {stderr}"
        );
        let text = String::from_utf8_lossy(&out.stdout);
        for section in ["NAME", "SYNOPSIS", "EXIT STATUS", "SEE ALSO"] {
            assert!(
                text.lines().any(|l| l == section),
                "{file} has no {section}:\n{text}"
            );
        }
    }
}

#[test]
fn main_man_page_documents_exit_status_environment_files_and_examples() {
    let dir = tempfile::tempdir().unwrap();
    write_pages(dir.path());
    let out = Command::new("man")
        .args(["-l"])
        .arg(dir.path().join("ebranch.1"))
        .env("MANWIDTH", "200")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let section = |name: &str| -> String {
        text.lines()
            .skip_while(|l| *l != name)
            .skip(1)
            .take_while(|l| l.is_empty() || l.starts_with(' '))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let exit = section("EXIT STATUS");
    for code in ["0", "1", "2"] {
        assert!(
            exit.lines().any(|l| l.trim_start().starts_with(code)),
            "{exit}"
        );
    }
    let env = section("ENVIRONMENT");
    for var in [
        "EBRANCH_CACHE_DIR",
        "EBRANCH_CONFIG",
        "BUGZILLA_API_KEY",
        "XDG_CACHE_HOME",
    ] {
        assert!(env.contains(var), "{var} not in {env}");
    }
    let files = section("FILES");
    for file in [
        "repos-v2/",
        "index/",
        "releases.toml",
        "config.toml",
        "bugzillarc",
    ] {
        assert!(files.contains(file), "{file} not in {files}");
    }
    assert!(section("EXAMPLES").contains("ebranch missing python-b4 --target epel10"));
    // Subcommand pages name their own options' variables.
    let out = Command::new("man")
        .args(["-l"])
        .arg(dir.path().join("ebranch-status.1"))
        .env("MANWIDTH", "200")
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&out.stdout);
    assert!(status.contains("EBRANCH_BODHI_URL") && status.contains("BUGZILLA_API_KEY"));
}

fn completion_script(shell: &str) -> tempfile::NamedTempFile {
    let script = stdout_of(&ebranch(&["completions", shell]));
    assert!(script.contains("missing") && script.contains("--target"));
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), script).unwrap();
    file
}

fn run_shell(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap_or_else(|e| panic!("{program} is installed: {e}"))
}

#[test]
fn completion_scripts_parse_in_bash_zsh_and_fish() {
    for (shell, program, check) in [
        ("bash", "bash", "-n"),
        ("zsh", "zsh", "-n"),
        ("fish", "fish", "--no-execute"),
    ] {
        let file = completion_script(shell);
        let out = run_shell(program, &[check, file.path().to_str().unwrap()]);
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{program} {check}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// What bash's completion function offers for the words of `line` (the cursor at the end).
fn bash_completes(script: &Path, line: &str) -> Vec<String> {
    let program = format!(
        "source {}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; \
         read -ra COMP_WORDS <<< \"$COMP_LINE\"; COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
         _ebranch ebranch \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = run_shell("bash", &["-c", &program]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout_of(&out).lines().map(str::to_owned).collect()
}

#[test]
fn bash_completion_offers_commands_and_options() {
    let file = completion_script("bash");
    assert_eq!(bash_completes(file.path(), "ebranch mis"), ["missing"]);
    let options = bash_completes(file.path(), "ebranch missing --ta");
    assert!(options.contains(&"--target".to_owned()), "{options:?}");
    let nested = bash_completes(file.path(), "ebranch query whatp");
    assert_eq!(nested, ["whatprovides"]);
}

#[test]
fn fish_completion_offers_commands() {
    let file = completion_script("fish");
    let program = format!(
        "source {}; complete -C 'ebranch mis'",
        file.path().display()
    );
    let out = run_shell("fish", &["--no-config", "-c", &program]);
    let offered = stdout_of(&out);
    assert!(
        offered.lines().any(|l| l.starts_with("missing")),
        "{offered}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
