//! Bootstrap hints: what to do about one edge chosen to break a cycle.

/// At most this many dependency strings are quoted in a hint.
const SHOWN_DEPS: usize = 3;

/// The hint for dropping `from → to` (`from` needs `to` through `deps`) in a first build.
pub(crate) fn bootstrap_hint(from: &str, to: &str, deps: &[String], install_only: bool) -> String {
    let what = if deps.is_empty() {
        format!("its dependencies on `{to}`")
    } else if install_only {
        format!("the BuildRequires that pull in {}", quote_list(deps))
    } else {
        quote_list(deps)
    };
    if from == to {
        format!(
            "`{from}` needs itself: build it first without {what} (bcond/bootstrap), \
             or against an existing build tagged into the side tag, then rebuild `{from}`"
        )
    } else {
        format!(
            "build `{from}` first without {what} (bcond/bootstrap), then `{to}`, \
             then rebuild `{from}`"
        )
    }
}

/// `` `a`, `b`, `c` and 2 more ``.
fn quote_list(items: &[String]) -> String {
    let shown: Vec<String> = items
        .iter()
        .take(SHOWN_DEPS)
        .map(|d| format!("`{d}`"))
        .collect();
    let mut s = shown.join(", ");
    if items.len() > SHOWN_DEPS {
        s.push_str(&format!(" and {} more", items.len() - SHOWN_DEPS));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deps(d: &[&str]) -> Vec<String> {
        d.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn phrases_build_edges() {
        assert_eq!(
            bootstrap_hint("A", "B", &deps(&["python3dist(sphinx)"]), false),
            "build `A` first without `python3dist(sphinx)` (bcond/bootstrap), then `B`, \
             then rebuild `A`"
        );
    }

    #[test]
    fn phrases_install_edges_self_loops_and_long_lists() {
        assert_eq!(
            bootstrap_hint("A", "B", &deps(&["a", "b", "c", "d", "e"]), true),
            "build `A` first without the BuildRequires that pull in `a`, `b`, `c` and 2 more \
             (bcond/bootstrap), then `B`, then rebuild `A`"
        );
        assert_eq!(
            bootstrap_hint("A", "A", &deps(&["A-devel"]), false),
            "`A` needs itself: build it first without `A-devel` (bcond/bootstrap), or against \
             an existing build tagged into the side tag, then rebuild `A`"
        );
        assert_eq!(
            bootstrap_hint("A", "B", &[], false),
            "build `A` first without its dependencies on `B` (bcond/bootstrap), then `B`, \
             then rebuild `A`"
        );
    }
}
