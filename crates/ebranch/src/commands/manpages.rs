//! `ebranch man DIR`: one manual page per command (`ebranch.1`, `ebranch-missing.1`,
//! `ebranch-query-whatprovides.1`, ...), generated from the clap definition so that they
//! cannot drift from `--help`, plus what `--help` cannot hold: exit status, environment,
//! files and examples.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Command, CommandFactory};
use clap_mangen::Man;
use roff::{Roff, bold, italic, roman};

use crate::Outcome;
use crate::cli::Cli;
use crate::output::{stdout, write_atomically};

/// `ebranch man`
#[derive(Args, Debug)]
pub struct ManArgs {
    /// Directory to write the pages into (created if needed); existing pages are replaced.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Writes every page and prints the paths written.
pub fn run(args: ManArgs) -> Result<Outcome> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let mut out = stdout();
    for page in pages()? {
        let path = args.dir.join(&page.file);
        write_atomically(&path, &page.text)?;
        std::io::Write::write_all(&mut out, format!("{}\n", path.display()).as_bytes())?;
    }
    std::io::Write::flush(&mut out)?;
    Ok(Outcome::Clean)
}

/// One rendered page.
pub struct Page {
    /// File name, e.g. `ebranch-query-whatprovides.1`.
    pub file: String,
    /// The roff source.
    pub text: Vec<u8>,
}

/// Every page: `ebranch` and each visible subcommand, depth first.
pub fn pages() -> Result<Vec<Page>> {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    let mut pages = Vec::new();
    collect(&root, &[], &mut pages)?;
    Ok(pages)
}

fn collect(cmd: &Command, path: &[&str], pages: &mut Vec<Page>) -> Result<()> {
    pages.push(render(cmd, path)?);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut sub_path = path.to_vec();
        sub_path.push(sub.get_name());
        collect(sub, &sub_path, pages)?;
    }
    Ok(())
}

/// The page of the command at `path` (`[]` is `ebranch` itself).
fn render(cmd: &Command, path: &[&str]) -> Result<Page> {
    let man = Man::new(cmd.clone())
        .manual("ebranch manual")
        .source(format!("ebranch {}", env!("CARGO_PKG_VERSION")));
    let mut text = Vec::new();
    man.render_title(&mut text)?;
    let mut body = Vec::new();
    man.render_name_section(&mut body)?;
    man.render_synopsis_section(&mut body)?;
    man.render_description_section(&mut body)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut body)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut body)?;
    }
    body.extend(without_preamble(extra_sections(cmd, path).render()));
    man.render_version_section(&mut body)?;
    text.extend(without_preamble(String::from_utf8(body)?));
    Ok(Page {
        file: format!("{}.1", page_name(path)),
        text,
    })
}

/// `ebranch`, `ebranch-missing`, `ebranch-query-whatprovides`.
fn page_name(path: &[&str]) -> String {
    std::iter::once("ebranch")
        .chain(path.iter().copied())
        .collect::<Vec<_>>()
        .join("-")
}

/// Each `Roff` render starts with the same two lines defining the apostrophe string; the
/// page needs them once, at the top (the title's render keeps them).
fn without_preamble(text: String) -> Vec<u8> {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if !(line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES and SEE ALSO.
fn extra_sections(cmd: &Command, path: &[&str]) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_STATUS {
        roff.control("TP", [])
            .text([bold(*code)])
            .text([roman(*meaning)]);
    }

    let env = environment(cmd, path);
    if !env.is_empty() {
        roff.control("SH", ["ENVIRONMENT"]);
        for (name, meaning) in env {
            roff.control("TP", [])
                .text([bold(name)])
                .text([roman(meaning)]);
        }
    }

    let files = files(path);
    if !files.is_empty() {
        roff.control("SH", ["FILES"]);
        for (file, meaning) in files {
            roff.control("TP", [])
                .text([italic(*file)])
                .text([roman(*meaning)]);
        }
    }

    let examples = examples(path);
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for (what, command) in examples {
            roff.control("PP", []).text([roman(*what)]);
            roff.control("PP", [])
                .control("RS", ["4"])
                .control("nf", []);
            roff.text([bold(*command)]);
            roff.control("fi", []).control("RE", []);
        }
    }

    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(see_also(cmd, path))]);
    roff
}

const EXIT_STATUS: &[(&str, &str)] = &[
    (
        "0",
        "Done; for commands that look for problems, nothing was found.",
    ),
    (
        "1",
        "Done, and something was found: missing packages, unresolved dependencies, cycles, \
         requests that need attention.",
    ),
    (
        "2",
        "Error: bad arguments, an unreadable or invalid file, a repository or service that \
         failed. One line on standard error says what and where.",
    ),
];

/// The environment variables the command's options read (from the clap definition),
/// and, on the main page, those read outside the options.
fn environment(cmd: &Command, path: &[&str]) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter_map(|a| {
            let name = a.get_env()?.to_string_lossy().into_owned();
            let flag = a
                .get_long()
                .map(|l| format!("--{l}"))
                .unwrap_or_else(|| a.get_id().to_string().to_uppercase());
            Some((name, format!("The default of {flag}.")))
        })
        .collect();
    let uses_key = matches!(
        path.first(),
        Some(&("request" | "status" | "follow-up" | "issues"))
    );
    if path.is_empty() || uses_key {
        vars.push((
            "BUGZILLA_API_KEY".into(),
            "The Bugzilla API key (it takes precedence over the key files). It is never \
             printed."
                .into(),
        ));
    }
    if path.is_empty() {
        for (name, meaning) in MAIN_ENVIRONMENT {
            vars.push((name.to_string(), meaning.to_string()));
        }
    }
    vars.sort();
    vars.dedup_by(|a, b| a.0 == b.0);
    vars
}

const MAIN_ENVIRONMENT: &[(&str, &str)] = &[
    (
        "XDG_CACHE_HOME",
        "Where the cache lives when --cache-dir and EBRANCH_CACHE_DIR are not given.",
    ),
    (
        "XDG_CONFIG_HOME",
        "Where releases.toml and config.toml are looked for.",
    ),
    (
        "HTTPS_PROXY, HTTP_PROXY, ALL_PROXY",
        "A proxy for remote repositories and services (also lower case). Loopback \
         addresses never use a proxy.",
    ),
    ("NO_COLOR", "When set, no colour in text output."),
    (
        "EBRANCH_TIMINGS",
        "When set, the time each phase took is printed on standard error.",
    ),
];

const CACHE_FILES: &[(&str, &str)] = &[
    (
        "$XDG_CACHE_HOME/ebranch/repos-v2/",
        "Fetched repository metadata, one directory per repository with a lock file and a \
         state file; metadata files are stored under names made from their checksum \
         (default cache root ~/.cache/ebranch; see --cache-dir).",
    ),
    (
        "$XDG_CACHE_HOME/ebranch/index/",
        "Parsed indexes of repositories, rebuilt when stale or damaged (--no-cache skips \
         them).",
    ),
    (
        "$XDG_CONFIG_HOME/ebranch/releases.toml",
        "Releases added to or overriding the built-in ones (see --config and ebranch \
         releases).",
    ),
];

const KEY_FILES: &[(&str, &str)] = &[
    (
        "$XDG_CONFIG_HOME/ebranch/config.toml",
        "The Bugzilla API key, as api_key in its [bugzilla] table. Keep it mode 600; \
         ebranch warns when others can read it.",
    ),
    (
        "~/.config/python-bugzilla/bugzillarc, ~/.bugzillarc",
        "python-bugzilla key files, read for api_key when the above have none.",
    ),
];

/// The files a command reads or writes.
fn files(path: &[&str]) -> Vec<&'static (&'static str, &'static str)> {
    let repos = CACHE_FILES.iter();
    let keys = KEY_FILES.iter();
    match path.first() {
        None => repos.chain(keys).collect(),
        Some(
            &("query" | "repoclosure" | "missing" | "plan" | "gap" | "releases" | "dependencies"),
        ) => repos.collect(),
        Some(&("request" | "status" | "follow-up" | "issues")) => keys.collect(),
        _ => Vec::new(),
    }
}

/// Examples for a command: what it does, then the command line.
fn examples(path: &[&str]) -> &'static [(&'static str, &'static str)] {
    match path {
        [] => &[
            (
                "What has to be built in EPEL 10 before python-b4 can be (exit 1 if anything):",
                "ebranch missing python-b4 --target epel10",
            ),
            (
                "Keep it as a report, then the chain-build order:",
                "ebranch missing python-b4 --target epel10 --format json -o b4.json\nebranch plan b4.json",
            ),
            (
                "File the branch requests, then follow them:",
                "ebranch request --report b4.json --target epel10 --dry-run\nebranch status b4.json",
            ),
            (
                "Shell completion for bash, and the manual pages:",
                "ebranch completions bash > ~/.local/share/bash-completion/completions/ebranch\nebranch man ~/.local/share/man/man1",
            ),
        ],
        ["missing"] => &[
            (
                "The closure for EPEL 10 against Rawhide (the default reference):",
                "ebranch missing python-b4 --target epel10",
            ),
            (
                "Against EPEL 9 with Fedora 45 as the reference, as a report:",
                "ebranch missing python-b4 --target epel9 --reference f45 --format json -o b4.json",
            ),
            (
                "On the bundled demo data, with no network:",
                "ebranch --config demo/releases.toml missing python-b4 --reference demo-rawhide --target demo-epel10 --offline",
            ),
        ],
        ["plan"] => &[
            ("The chain-build order of a report:", "ebranch plan b4.json"),
            (
                "A side-tag build script:",
                "ebranch plan b4.json --format script --branch epel10 > build-b4.sh",
            ),
        ],
        ["gap"] => &[(
            "All of Rawhide against EPEL 10:",
            "ebranch gap --target epel10",
        )],
        ["repoclosure"] => &[(
            "What EPEL 10 sources need that nothing provides:",
            "ebranch repoclosure --repo ~/mirror/epel10/x86_64 --repo ~/mirror/c10s/BaseOS --check ~/mirror/rawhide/source",
        )],
        ["releases"] => &[
            ("The known releases:", "ebranch releases"),
            ("Where EPEL 10 comes from:", "ebranch releases show epel10"),
        ],
        ["releases", "show"] => &[("Where EPEL 10 comes from:", "ebranch releases show epel10")],
        ["query", "whatprovides"] => &[(
            "Who provides a versioned dependency:",
            "ebranch query whatprovides 'python3dist(dkimpy) >= 1' --repo ~/mirror/rawhide/x86_64",
        )],
        ["query", "whatrequires"] => &[(
            "Who requires a package:",
            "ebranch query whatrequires python3-dkimpy --repo ~/mirror/rawhide/source",
        )],
        ["query", "build-reqs"] => &[(
            "The BuildRequires of a source package:",
            "ebranch query build-reqs python-b4 --repo ~/mirror/rawhide/source",
        )],
        ["query", "subpkgs"] => &[(
            "The binary packages of a source package:",
            "ebranch query subpkgs python-dkimpy --repo ~/mirror/rawhide/x86_64",
        )],
        ["query", "info"] => &[(
            "Everything about a package, as JSON:",
            "ebranch query info python-b4 --repo ~/mirror/rawhide/source --json",
        )],
        ["request"] => &[
            (
                "Preview the requests for a whole report:",
                "ebranch request --report b4.json --target epel10 --dry-run",
            ),
            (
                "File one request:",
                "ebranch request python-dkimpy --target epel10",
            ),
        ],
        ["status"] => &[("Refresh a report:", "ebranch status b4.json")],
        ["follow-up"] => &[(
            "Preview the follow-ups of stalled requests:",
            "ebranch follow-up b4.json --dry-run",
        )],
        ["issues", "file-request"] => &[(
            "As ebranch 0.0.3 spelled it:",
            "ebranch issues file-request python-dkimpy epel10",
        )],
        ["dependencies", "missing-build-reqs"] => &[(
            "As ebranch 0.0.3 spelled it, saving the report:",
            "ebranch dependencies missing-build-reqs python-b4 epel10 -f b4.json",
        )],
        ["stats"] => &[
            (
                "New EPEL 9 packages per month by one packager since 2022 (the chart):",
                "ebranch stats --user salimma --release EPEL-9 --type newpackage --status stable --since 2022-01-01",
            ),
            (
                "The same as an HTML page with an SVG chart:",
                "ebranch stats --user salimma --release EPEL-9 --type newpackage --status stable --format html -o stats.html",
            ),
            (
                "When the packages of an effort reached stable:",
                "ebranch stats --report b4.json --release epel10",
            ),
        ],
        ["completions"] => &[
            (
                "For bash (for the current user):",
                "ebranch completions bash > ~/.local/share/bash-completion/completions/ebranch",
            ),
            (
                "For zsh and fish:",
                "ebranch completions zsh > ~/.zfunc/_ebranch\nebranch completions fish > ~/.config/fish/completions/ebranch.fish",
            ),
        ],
        ["man"] => &[(
            "Install the pages for the current user:",
            "ebranch man ~/.local/share/man/man1",
        )],
        _ => &[],
    }
}

/// The main page names every command's page; the others name the main page and their
/// parent's.
fn see_also(cmd: &Command, path: &[&str]) -> String {
    let mut refs: Vec<String> = Vec::new();
    if !path.is_empty() {
        refs.push("ebranch(1)".into());
        if path.len() > 1 {
            refs.push(format!("{}(1)", page_name(&path[..path.len() - 1])));
        }
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let mut sub_path = path.to_vec();
        sub_path.push(sub.get_name());
        refs.push(format!("{}(1)", page_name(&sub_path)));
    }
    if path.is_empty() {
        refs.extend(["fedpkg(1)".into(), "bodhi(1)".into(), "dnf(8)".into()]);
    }
    refs.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_names_follow_the_command_path() {
        assert_eq!(page_name(&[]), "ebranch");
        assert_eq!(
            page_name(&["query", "whatprovides"]),
            "ebranch-query-whatprovides"
        );
    }

    #[test]
    fn each_page_defines_the_apostrophe_string_once() {
        for page in pages().unwrap() {
            let text = String::from_utf8(page.text).unwrap();
            assert_eq!(text.matches(".ds Aq").count(), 2, "{}", page.file);
            assert!(text.starts_with(".ie \\n(.g .ds Aq"), "{}", page.file);
        }
    }
}
