//! A bash script that builds the plan in a Koji side tag, step by step.

use std::fmt::Write;

use crate::model::{CycleGroup, Plan};

/// One step of the script: builds submitted together, then waited for.
struct Step {
    /// What the step is, for its comment and messages.
    title: String,
    /// The packages built.
    packages: Vec<String>,
    /// What the packager must do (and push) before the step runs; `None` when nothing.
    prepare: Option<String>,
}

/// A bash script (`set -euo pipefail`) that builds every package of `plan` for
/// `target_branch` in a Koji side tag.
///
/// Usage of the script: `SCRIPT [SIDE_TAG [FIRST_STEP]]`. Without a side tag it runs
/// `fedpkg --release <branch> request-side-tag --base-tag $BASE_TAG` (default
/// `<branch>-build`), reads the name between the quotes of `Side tag '…' created.` and waits
/// for the tag's first repo. Each step submits `fedpkg build --target=$SIDE_TAG --nowait`
/// in each of its packages' directories (recording `fedpkg verrel` and the `Created task:`
/// id), then runs `koji watch-task` on the tasks and `koji wait-repo $SIDE_TAG --build
/// <NVR>…` before the next step.
///
/// The steps: each layer's packages outside cycles; then for each cycle group its
/// bootstrap builds (the bootstrap set), its sub-layers, and the rebuilds of the
/// bootstrapped packages. Koji cannot pass `--with`/`--without`, so a bootstrap build is a
/// pushed commit that turns the bootstrap mode on, and a rebuild follows a commit that turns
/// it off again (with a Release bump): the script stops before each such step, exit status
/// 2, saying what to change and how to resume at that step; resuming *at* a step means its
/// changes are pushed. The comments give each group's recipe: what each bootstrap build
/// drops. It ends by naming the Bodhi command that ships the side tag. It expects a fedpkg
/// clone of each package, on the branch, in the current directory.
pub fn side_tag_script(plan: &Plan, target_branch: &str) -> String {
    let steps = steps(plan);
    let mut s = String::new();
    header(&mut s, plan, target_branch, &steps);
    s.push_str(PRELUDE);
    let total = steps.len();
    for (i, step) in steps.iter().enumerate() {
        let n = i + 1;
        let _ = writeln!(
            s,
            "\n# Step {n} of {total}: {}",
            comment_safe(&format!("{}: {}", step.title, step.packages.join(" ")))
        );
        let _ = writeln!(s, "if [ \"$FIRST_STEP\" -le {n} ]; then");
        if let Some(prepare) = &step.prepare {
            let _ = writeln!(
                s,
                "    prepared {n} {}",
                shell_quote(&format!("{}: {prepare}", step.title))
            );
        }
        for p in &step.packages {
            let _ = writeln!(s, "    submit {}", shell_quote(p));
        }
        s.push_str("    wait_builds\nfi\n");
    }
    let _ = writeln!(
        s,
        "\necho \"all {total} step(s) are built in $SIDE_TAG; ship them with: \
         bodhi updates new --from-tag $SIDE_TAG --notes '...'\" >&2"
    );
    s
}

/// The steps of the plan, in order.
fn steps(plan: &Plan) -> Vec<Step> {
    let mut steps = Vec::new();
    for (li, layer) in plan.layers.iter().enumerate() {
        if !layer.packages.is_empty() {
            steps.push(Step {
                title: format!("layer {}", li + 1),
                packages: layer.packages.clone(),
                prepare: None,
            });
        }
        for &c in &layer.cycles {
            if let Some(g) = plan.cycles.get(c) {
                group_steps(&mut steps, c + 1, li + 1, g);
            }
        }
    }
    steps
}

/// Bootstrap builds, sub-layers, rebuilds.
fn group_steps(steps: &mut Vec<Step>, number: usize, layer: usize, g: &CycleGroup) {
    let set: Vec<String> = g.bootstrap.iter().map(|b| b.package.clone()).collect();
    let list = set.join(" ");
    steps.push(Step {
        title: format!("cycle group {number} (layer {layer}), bootstrap builds"),
        packages: set.clone(),
        prepare: Some(format!(
            "commit and push the bootstrap mode (what each build drops is in the comments \
             of this script) of: {list}"
        )),
    });
    let rest: Vec<&Vec<String>> = g
        .bootstrap_order
        .iter()
        .filter(|sub| !sub.iter().all(|p| set.contains(p)))
        .collect();
    for (k, sub) in rest.iter().enumerate() {
        steps.push(Step {
            title: format!(
                "cycle group {number}, sub-layer {} of {}",
                k + 1,
                rest.len()
            ),
            packages: sub.iter().filter(|p| !set.contains(p)).cloned().collect(),
            prepare: None,
        });
    }
    steps.push(Step {
        title: format!("cycle group {number}, rebuilds"),
        packages: set,
        prepare: Some(format!(
            "revert the bootstrap mode, bump Release, commit and push: {list}"
        )),
    });
}

fn header(s: &mut String, plan: &Plan, branch: &str, steps: &[Step]) {
    let packages: usize = plan.layers.iter().map(|l| l.packages.len()).sum::<usize>()
        + plan.cycles.iter().map(|g| g.members.len()).sum::<usize>();
    let branch_c = comment_safe(branch);
    let _ = writeln!(
        s,
        "#!/bin/bash\n\
         # Builds {packages} package(s) for {branch_c} in a Koji side tag, in {} step(s); \
         generated by ebranch.\n\
         #\n\
         # Run from a directory holding a fedpkg clone of each package (`fedpkg clone NAME`),\n\
         # each checked out on the {branch_c} branch with everything pushed.\n\
         #\n\
         # Usage: $0 [SIDE_TAG [FIRST_STEP]]\n\
         #   SIDE_TAG     build in this side tag; without it one is requested from $BASE_TAG\n\
         #                (default {branch_c}-build: check the branch's build tag with\n\
         #                `koji list-targets --name {branch_c}` and set BASE_TAG if it differs)\n\
         #   FIRST_STEP   resume at this step (1-based); a step that needs pushed changes\n\
         #                (bootstrap builds, rebuilds) only runs when resumed at\n\
         #\n\
         # When every step is built, ship them: bodhi updates new --from-tag SIDE_TAG --notes '...'",
        steps.len()
    );
    s.push_str("#\n# Steps:\n");
    for (i, step) in steps.iter().enumerate() {
        let _ = writeln!(
            s,
            "#   {:>3}  {}{}",
            i + 1,
            comment_safe(&step.title),
            if step.prepare.is_some() {
                " (stops first: changes to push)"
            } else {
                ""
            }
        );
    }
    if !plan.blocked.is_empty() {
        s.push_str(
            "#\n# Blocked (unresolvable dependencies: these builds fail until they are provided):\n",
        );
        for (p, deps) in &plan.blocked {
            let _ = writeln!(
                s,
                "#   {}: {}",
                comment_safe(p),
                comment_safe(&deps.join(", "))
            );
        }
    }
    for (i, g) in plan.cycles.iter().enumerate() {
        cycle_comments(s, i + 1, g);
    }
    let _ = writeln!(s, "set -euo pipefail\n\nBRANCH={}", shell_quote(branch));
}

const PRELUDE: &str = r#"BASE_TAG="${BASE_TAG:-$BRANCH-build}"
FIRST_STEP="${2:-1}"
case "$FIRST_STEP" in
    '' | *[!0-9]*)
        echo "FIRST_STEP must be a step number, not '$FIRST_STEP'" >&2
        exit 1
        ;;
esac

if [ -n "${1:-}" ]; then
    SIDE_TAG="$1"
else
    request_output="$(fedpkg --release "$BRANCH" request-side-tag --base-tag "$BASE_TAG")"
    printf '%s\n' "$request_output"
    SIDE_TAG=""
    while IFS= read -r line; do
        case "$line" in
            "Side tag '"*)
                SIDE_TAG="${line#*\'}"
                SIDE_TAG="${SIDE_TAG%%\'*}"
                break
                ;;
        esac
    done <<< "$request_output"
    if [ -z "$SIDE_TAG" ]; then
        echo "could not read the side tag's name from fedpkg's output" >&2
        exit 1
    fi
    echo "side tag $SIDE_TAG; to resume at a step: $0 $SIDE_TAG STEP" >&2
    koji wait-repo "$SIDE_TAG"
fi

TASKS=()
NVRS=()

# Stops before step $1 unless this run was resumed at it: its changes ($2) must be pushed.
prepared() {
    if [ "$FIRST_STEP" -lt "$1" ]; then
        echo "step $1, $2" >&2
        echo "then resume: $0 $SIDE_TAG $1" >&2
        exit 2
    fi
}

# Submits a build of the package in directory $1 to the side tag without waiting.
submit() {
    local nvr out line task=""
    nvr="$(cd "$1" && fedpkg verrel)"
    out="$(cd "$1" && fedpkg build --target="$SIDE_TAG" --nowait 2>&1)"
    printf '%s\n' "$out"
    while IFS= read -r line; do
        case "$line" in
            *"Created task: "*)
                task="${line##*Created task: }"
                task="${task%%[!0-9]*}"
                break
                ;;
        esac
    done <<< "$out"
    if [ -z "$task" ]; then
        echo "$1: could not read the build's task id from fedpkg's output" >&2
        exit 1
    fi
    NVRS+=("$nvr")
    TASKS+=("$task")
}

# Waits for the submitted builds to succeed, then for the side tag's repo to hold them.
wait_builds() {
    local args=() nvr
    koji watch-task "${TASKS[@]}"
    for nvr in "${NVRS[@]}"; do
        args+=(--build "$nvr")
    done
    koji wait-repo "$SIDE_TAG" "${args[@]}"
    TASKS=()
    NVRS=()
}
"#;

/// The commented bootstrap recipe of one cycle group.
fn cycle_comments(s: &mut String, number: usize, g: &CycleGroup) {
    let _ = writeln!(
        s,
        "#\n# Cycle group {number}: {} package(s); bootstrap {} ({}):",
        g.members.len(),
        g.bootstrap.len(),
        super::set_bound(g.exact, g.at_least),
    );
    for b in &g.bootstrap {
        let _ = writeln!(
            s,
            "#   {} ({}) drops:",
            comment_safe(&b.package),
            comment_safe(&b.why)
        );
        for need in &b.drop {
            let mut what: Vec<String> = need.build.iter().map(|d| format!("`{d}`")).collect();
            what.extend(need.install.iter().map(|d| format!("what pulls in `{d}`")));
            if what.is_empty() {
                what.push("its dependencies".to_owned());
            }
            let _ = writeln!(
                s,
                "#     on {}: {}",
                comment_safe(&need.needs),
                comment_safe(&what.join(", "))
            );
        }
    }
}

/// A single-quoted shell word.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Text that cannot end a comment line early.
fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bootstrap, Layer, Need};

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    fn sample() -> Plan {
        Plan {
            layers: vec![
                Layer {
                    packages: strings(&["python-patatt"]),
                    cycles: vec![],
                },
                Layer {
                    packages: strings(&["it's"]),
                    cycles: vec![0],
                },
            ],
            cycles: vec![CycleGroup {
                members: strings(&["lib", "plugin"]),
                elementary: vec![strings(&["lib", "plugin"])],
                truncated: false,
                bootstrap: vec![Bootstrap {
                    package: "lib".into(),
                    why: "needs only test\ntooling".into(),
                    drop: vec![Need {
                        needs: "plugin".into(),
                        build: strings(&["pytest"]),
                        install: strings(&["libx.so"]),
                        tooling: "test".into(),
                    }],
                }],
                exact: true,
                at_least: 1,
                bootstrap_order: vec![strings(&["lib"]), strings(&["plugin"])],
                break_edges: vec![],
                stack: None,
            }],
            blocked: vec![("python-patatt".into(), strings(&["python3dist(x)"]))],
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
        assert_eq!(comment_safe("a\nb"), "a?b");
    }

    #[test]
    fn script_shape() {
        let script = side_tag_script(&sample(), "epel9");
        assert!(script.starts_with("#!/bin/bash\n"));
        assert!(script.contains("set -euo pipefail\n\nBRANCH='epel9'\n"));
        assert!(script.contains("#   python-patatt: python3dist(x)\n"));
        assert!(script.contains(
            "if [ \"$FIRST_STEP\" -le 1 ]; then\n    submit 'python-patatt'\n    wait_builds\nfi\n"
        ));
        assert!(script.contains("    submit 'it'\\''s'\n"));
        assert!(script.contains("# Cycle group 1: 2 package(s); bootstrap 1 (a minimum set):\n"));
        assert!(script.contains("#   lib (needs only test?tooling) drops:\n"));
        assert!(script.contains("#     on plugin: `pytest`, what pulls in `libx.so`\n"));
        assert!(script.contains(
            "#     3  cycle group 1 (layer 2), bootstrap builds (stops first: changes to push)\n"
        ));
        assert!(script.contains(
            "# Step 3 of 5: cycle group 1 (layer 2), bootstrap builds: lib\n\
             if [ \"$FIRST_STEP\" -le 3 ]; then\n    prepared 3 "
        ));
        assert!(script.contains(
            "# Step 4 of 5: cycle group 1, sub-layer 1 of 1: plugin\n\
             if [ \"$FIRST_STEP\" -le 4 ]; then\n    submit 'plugin'\n"
        ));
        assert!(script.contains(
            "# Step 5 of 5: cycle group 1, rebuilds: lib\n\
             if [ \"$FIRST_STEP\" -le 5 ]; then\n    prepared 5 'cycle group 1, rebuilds: revert"
        ));
    }

    #[test]
    fn script_parses_with_bash() {
        let Ok(out) = std::process::Command::new("bash")
            .arg("-n")
            .arg("-c")
            .arg(side_tag_script(&sample(), "epel10"))
            .output()
        else {
            return; // no bash here
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
