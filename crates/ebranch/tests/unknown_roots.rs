//! A root that is not a source package of the reference (a typo, an empty string, a
//! binary package's name) is an error, exit 2, naming it and suggesting names that exist.

mod common;

use common::*;

fn run(args: &[&str]) -> std::process::Output {
    let cache = tempfile::tempdir().unwrap();
    let mut all: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    all.extend(demo_flags());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    ebranch(&refs, cache.path())
}

/// Exit 2 and one `error:` line, nothing on stdout; returns the line.
fn error_line(out: &std::process::Output) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(stdout(out), "", "no data on error");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    lines[0].to_owned()
}

#[test]
fn misspelled_root_is_an_error_with_suggestions() {
    let err = error_line(&run(&["missing", "python-b4", "pyhton-dkimpy"]));
    assert_eq!(
        err,
        "error: no source package `pyhton-dkimpy` in the reference; did you mean `python-dkimpy`?"
    );
    // A name without its ecosystem prefix finds it too.
    let err = error_line(&run(&["missing", "dkimpy"]));
    assert!(err.contains("did you mean `python-dkimpy`?"), "{err}");
}

#[test]
fn empty_root_is_an_error() {
    let err = error_line(&run(&["missing", ""]));
    assert_eq!(err, "error: empty package name \"\"");
}

#[test]
fn binary_package_as_root_names_its_source() {
    let err = error_line(&run(&["missing", "python3-b4"]));
    assert!(
        err.contains("`python3-b4` is a binary package built from `python-b4`"),
        "{err}"
    );
}

#[test]
fn unknown_root_fails_every_command_that_takes_roots() {
    for args in [
        &["plan", "python-b4x"][..],
        &["missing", "--format", "json", "python-b4x"],
        &["gap", "--only", "python-b4x"],
    ] {
        let err = error_line(&run(args));
        assert!(err.contains("`python-b4x`"), "{args:?}: {err}");
        assert!(err.contains("did you mean `python-b4`?"), "{args:?}: {err}");
    }
}

#[test]
fn unknown_root_with_terminal_controls_is_shown_escaped() {
    let out = run(&["missing", "x\x1b]0;owned\x07"]);
    let err = error_line(&out);
    assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
    assert!(err.contains("`x\\u{1b}]0;owned\\u{7}`"), "{err}");
}
