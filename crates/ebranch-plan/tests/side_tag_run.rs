//! Runs the generated side-tag script against fake `fedpkg` and `koji` commands.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};

use ebranch_plan::{BuildGraph, Edge, EdgeKind, PlanOptions, plan, side_tag_script};

const FAKE_FEDPKG: &str = r#"#!/bin/bash
echo "fedpkg $* @$(basename "$PWD")" >> "$FAKE_LOG"
case "$*" in
    *request-side-tag*)
        echo "Side tag 'epel9-build-side-42' created."
        echo "Use 'koji wait-repo epel9-build-side-42' to wait for the build repo to be generated."
        ;;
    verrel)
        echo "$(basename "$PWD")-1.0-$(cat release 2>/dev/null || echo 1).el9"
        ;;
    build*)
        n=$(( $(cat "$FAKE_COUNTER" 2>/dev/null || echo 100) + 1 ))
        echo "$n" > "$FAKE_COUNTER"
        echo "Building $(basename "$PWD")-1.0-1.el9 for epel9-build-side-42"
        echo "Created task: $n" >&2
        echo "Task info: https://koji.example/koji/taskinfo?taskID=$n"
        ;;
esac
"#;

const FAKE_KOJI: &str = r#"#!/bin/bash
echo "koji $*" >> "$FAKE_LOG"
if [ "$1" = watch-task ] && [ -n "${FAKE_FAIL:-}" ]; then
    exit 1
fi
"#;

struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(name: &str, packages: &[&str]) -> Self {
        let dir = std::env::temp_dir().join(format!("ebranch-plan-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("bin")).unwrap();
        fs::create_dir_all(dir.join("work")).unwrap();
        for p in packages {
            fs::create_dir_all(dir.join("work").join(p)).unwrap();
        }
        for (tool, text) in [("fedpkg", FAKE_FEDPKG), ("koji", FAKE_KOJI)] {
            let path = dir.join("bin").join(tool);
            fs::write(&path, text).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        }
        Sandbox { dir }
    }

    fn run(&self, script: &str, args: &[&str], fail: bool) -> (Output, String) {
        let log = self.dir.join("log");
        let _ = fs::remove_file(&log);
        let script_path = self.dir.join("build.sh");
        fs::write(&script_path, script).unwrap();
        let path = format!(
            "{}:{}",
            self.dir.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new("bash");
        cmd.arg(&script_path)
            .args(args)
            .current_dir(self.dir.join("work"))
            .env("PATH", path)
            .env("FAKE_LOG", &log)
            .env("FAKE_COUNTER", self.dir.join("counter"))
            .env_remove("BASE_TAG");
        if fail {
            cmd.env("FAKE_FAIL", "1");
        } else {
            cmd.env_remove("FAKE_FAIL");
        }
        let out = cmd.output().unwrap();
        (out, fs::read_to_string(&log).unwrap_or_default())
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn have_bash() -> bool {
    Command::new("bash").arg("-c").arg("true").output().is_ok()
}

fn graph() -> BuildGraph {
    // app needs lib; lib ⇄ plugin (lib only for tests); plugin needs base and zlib.
    let names = ["app", "lib", "plugin", "base", "zlib"];
    let e = |from, to, dep: &str| Edge {
        from,
        to,
        deps: vec![dep.to_owned()],
        kind: EdgeKind::Build,
    };
    BuildGraph {
        packages: names.map(String::from).to_vec(),
        edges: vec![
            e(0, 1, "lib-devel"),
            e(1, 2, "python3dist(pytest-plugin)"),
            e(2, 1, "lib-devel"),
            e(2, 3, "base-devel"),
            e(2, 4, "zlib-devel"),
        ],
        unresolved: vec![],
    }
}

fn lines(log: &str) -> Vec<&str> {
    log.lines().collect()
}

fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bootstraps_builds_the_group_in_layers_then_rebuilds() {
    if !have_bash() {
        return;
    }
    let sandbox = Sandbox::new("run", &["app", "lib", "plugin", "base", "zlib"]);
    let script = side_tag_script(&plan(&graph(), &PlanOptions::default()), "epel9");

    // Layer 1 builds, then the script stops: the bootstrap change must be pushed first.
    let (out, log) = sandbox.run(&script, &[], false);
    assert_exit(&out, 2);
    assert_eq!(
        lines(&log),
        [
            "fedpkg --release epel9 request-side-tag --base-tag epel9-build @work",
            "koji wait-repo epel9-build-side-42",
            "fedpkg verrel @base",
            "fedpkg build --target=epel9-build-side-42 --nowait @base",
            "fedpkg verrel @zlib",
            "fedpkg build --target=epel9-build-side-42 --nowait @zlib",
            "koji watch-task 101 102",
            "koji wait-repo epel9-build-side-42 --build base-1.0-1.el9 --build zlib-1.0-1.el9",
        ]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("step 2, cycle group 1 (layer 2), bootstrap builds: commit and push")
            && stderr.contains("then resume: ")
            && stderr.contains("epel9-build-side-42 2"),
        "{stderr}"
    );

    // Resumed at step 2: the bootstrap build of lib, then the group's next sub-layer; then
    // it stops before the rebuild, which needs the bootstrap change reverted.
    let (out, log) = sandbox.run(&script, &["epel9-build-side-42", "2"], false);
    assert_exit(&out, 2);
    assert_eq!(
        lines(&log),
        [
            "fedpkg verrel @lib",
            "fedpkg build --target=epel9-build-side-42 --nowait @lib",
            "koji watch-task 103",
            "koji wait-repo epel9-build-side-42 --build lib-1.0-1.el9",
            "fedpkg verrel @plugin",
            "fedpkg build --target=epel9-build-side-42 --nowait @plugin",
            "koji watch-task 104",
            "koji wait-repo epel9-build-side-42 --build plugin-1.0-1.el9",
        ]
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("step 4, cycle group 1, rebuilds: revert"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Reverted with a Release bump, resumed at step 4: the rebuild, then the last layer.
    fs::write(sandbox.dir.join("work/lib/release"), "2").unwrap();
    let (out, log) = sandbox.run(&script, &["epel9-build-side-42", "4"], false);
    assert_exit(&out, 0);
    assert_eq!(
        lines(&log),
        [
            "fedpkg verrel @lib",
            "fedpkg build --target=epel9-build-side-42 --nowait @lib",
            "koji watch-task 105",
            "koji wait-repo epel9-build-side-42 --build lib-1.0-2.el9",
            "fedpkg verrel @app",
            "fedpkg build --target=epel9-build-side-42 --nowait @app",
            "koji watch-task 106",
            "koji wait-repo epel9-build-side-42 --build app-1.0-1.el9",
        ]
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("bodhi updates new --from-tag epel9-build-side-42")
    );
}

#[test]
fn a_failed_build_stops_the_script() {
    if !have_bash() {
        return;
    }
    let sandbox = Sandbox::new("fail", &["app", "lib", "plugin", "base", "zlib"]);
    let script = side_tag_script(&plan(&graph(), &PlanOptions::default()), "epel9");
    let (out, log) = sandbox.run(&script, &["my-tag"], true);
    assert_exit(&out, 1);
    let log = lines(&log);
    assert_eq!(log.last(), Some(&"koji watch-task 101 102"));
    assert!(
        !log.iter()
            .any(|l| l.contains("request-side-tag") || l.contains("wait-repo"))
    );
}

#[test]
fn bad_first_step_is_refused() {
    if !have_bash() {
        return;
    }
    let sandbox = Sandbox::new("badlayer", &[]);
    let script = side_tag_script(&plan(&graph(), &PlanOptions::default()), "epel9");
    let (out, log) = sandbox.run(&script, &["my-tag", "two"], false);
    assert_exit(&out, 1);
    assert!(log.is_empty());
}
