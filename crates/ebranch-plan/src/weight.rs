//! How costly dropping an edge looks for a first build: docs and test tooling are cheap.

use crate::canon::CanonEdge;

/// What a dependency string looks like it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DepClass {
    /// Documentation tooling (sphinx, doxygen, `-doc` subpackages, ...).
    Doc,
    /// Test tooling (pytest, check, mock, `-tests` subpackages, ...).
    Test,
    /// Anything else.
    Other,
}

/// Tokens that mark documentation tooling.
const DOC_TOKENS: &[&str] = &[
    "asciidoc",
    "asciidoctor",
    "breathe",
    "doc",
    "docbook",
    "docgen",
    "docs",
    "documentation",
    "docutils",
    "doxygen",
    "furo",
    "help2man",
    "hotdoc",
    "javadoc",
    "myst",
    "pandoc",
    "rdoc",
    "ronn",
    "texinfo",
    "xmlto",
    "yard",
];

/// Prefixes of tokens that mark documentation tooling.
const DOC_PREFIXES: &[&str] = &["sphinx", "mkdocs"];

/// Tokens that mark test tooling.
const TEST_TOKENS: &[&str] = &[
    "catch2",
    "check",
    "cmocka",
    "coverage",
    "cucumber",
    "doctest",
    "flake8",
    "flaky",
    "freezegun",
    "gmock",
    "googletest",
    "gtest",
    "hypothesis",
    "minitest",
    "mock",
    "mocks",
    "mypy",
    "nose",
    "nose2",
    "nox",
    "pretend",
    "proptest",
    "pycodestyle",
    "pyflakes",
    "pylint",
    "rspec",
    "rstest",
    "tox",
    "unittest",
    "unittest2",
    "valgrind",
    "xvfb",
];

/// Prefixes of tokens that mark test tooling (`test`, `tests`, `testtools`, `testify`...).
const TEST_PREFIXES: &[&str] = &["pytest", "test"];

/// Classifies one dependency string by its alphanumeric tokens, case-insensitively.
pub(crate) fn classify(dep: &str) -> DepClass {
    let tokens = dep.split(|c: char| !c.is_ascii_alphanumeric());
    let mut class = DepClass::Other;
    for t in tokens.filter(|t| !t.is_empty()) {
        if is_one_of(t, DOC_TOKENS, DOC_PREFIXES) {
            return DepClass::Doc;
        }
        if is_one_of(t, TEST_TOKENS, TEST_PREFIXES) {
            class = DepClass::Test;
        }
    }
    class
}

/// Whether `token` is one of `tokens` or starts with one of `prefixes` (all lowercase),
/// ignoring ASCII case.
fn is_one_of(token: &str, tokens: &[&str], prefixes: &[&str]) -> bool {
    let starts = |p: &str| {
        token
            .get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    };
    tokens.iter().any(|w| token.eq_ignore_ascii_case(w)) || prefixes.iter().any(|p| starts(p))
}

/// What kind of dependency an edge is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Weighed {
    /// Human-readable kind of dependency.
    pub reason: String,
    /// Whether the edge carries only build-time (not install-time) dependencies.
    pub install_only: bool,
}

/// Describes an edge `from → to` of the canonical graph; `to_name` is used when the edge
/// has no dependency strings.
pub(crate) fn weigh(edge: &CanonEdge, to_name: &str) -> Weighed {
    let deps = edge.dep_strs();
    let classes: Vec<DepClass> = if deps.is_empty() {
        vec![classify(to_name)]
    } else {
        deps.iter().map(|d| classify(d)).collect()
    };
    let optional = classes.iter().all(|&c| c != DepClass::Other);
    let install_only = !edge.has_build;
    let what = if optional {
        let doc = classes.contains(&DepClass::Doc);
        let test = classes.contains(&DepClass::Test);
        match (doc, test) {
            (true, true) => "documentation/test-only ",
            (true, false) => "documentation-only ",
            _ => "test-only ",
        }
    } else {
        ""
    };
    let kind = match (edge.has_build, edge.has_install) {
        (true, true) => "build and install-time dependency",
        (true, false) => "build dependency",
        _ => "install-time dependency of the buildroot",
    };
    let reason = if edge.from == edge.to {
        format!("{what}self-dependency: needs an earlier build of itself")
    } else {
        format!("{what}{kind}")
    };
    Weighed {
        reason,
        install_only,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(build: &[&str], install: &[&str]) -> CanonEdge {
        CanonEdge {
            from: 0,
            to: 1,
            build_deps: build.iter().map(|s| s.to_string()).collect(),
            install_deps: install.iter().map(|s| s.to_string()).collect(),
            has_build: !build.is_empty(),
            has_install: !install.is_empty(),
        }
    }

    #[test]
    fn classifies_by_token() {
        for dep in [
            "python3dist(sphinx)",
            "python3-sphinx_rtd_theme",
            "doxygen",
            "python3-foo-doc",
            "gtk-doc",
            "(python3dist(mkdocs-material) >= 9)",
        ] {
            assert_eq!(classify(dep), DepClass::Doc, "{dep}");
        }
        for dep in [
            "python3dist(pytest)",
            "python3dist(pytest-cov)",
            "perl(Test::More)",
            "pkgconfig(check)",
            "rubygem(minitest)",
            "golang(github.com/stretchr/testify/assert)",
            "python3-foo-tests",
            "python3dist(tox)",
            "xorg-x11-server-Xvfb",
        ] {
            assert_eq!(classify(dep), DepClass::Test, "{dep}");
        }
        for dep in [
            "python3dist(docopt)",
            "docker",
            "checkpolicy",
            "python3dist(hammock)",
            "latest-lib",
            "gcc",
            "python3-foo-devel",
        ] {
            assert_eq!(classify(dep), DepClass::Other, "{dep}");
        }
    }

    #[test]
    fn describes_optional_plain_and_install_edges() {
        let docs = weigh(&edge(&["python3dist(sphinx)"], &[]), "b");
        let tests = weigh(&edge(&["python3dist(pytest)"], &[]), "b");
        let mixed = weigh(
            &edge(&["python3dist(pytest)", "python3dist(sphinx)"], &[]),
            "b",
        );
        let plain = weigh(
            &edge(&["python3dist(requests)", "python3dist(pytest)"], &[]),
            "b",
        );
        let install = weigh(&edge(&[], &["libfoo.so.1()(64bit)"]), "b");
        let both = weigh(&edge(&["foo-devel"], &["libfoo.so.1()(64bit)"]), "b");
        assert_eq!(docs.reason, "documentation-only build dependency");
        assert_eq!(tests.reason, "test-only build dependency");
        assert_eq!(mixed.reason, "documentation/test-only build dependency");
        assert_eq!(plain.reason, "build dependency");
        assert_eq!(install.reason, "install-time dependency of the buildroot");
        assert!(install.install_only);
        assert_eq!(both.reason, "build and install-time dependency");
    }

    #[test]
    fn dep_less_edges_use_the_provider_name() {
        assert_eq!(
            weigh(&edge(&[], &[]), "python-pytest").reason,
            "test-only install-time dependency of the buildroot"
        );
        let mut e = edge(&[], &[]);
        e.has_build = true;
        assert_eq!(
            weigh(&e, "python-pytest").reason,
            "test-only build dependency"
        );
        assert_eq!(weigh(&e, "python-requests").reason, "build dependency");
    }

    #[test]
    fn self_loops_say_so() {
        let mut e = edge(&["foo-devel"], &[]);
        e.to = 0;
        assert_eq!(
            weigh(&e, "foo").reason,
            "self-dependency: needs an earlier build of itself"
        );
    }
}
