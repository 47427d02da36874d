//! What the packages install beside the binary, made by the binary itself: completions
//! that real bash, zsh and fish load and complete with, manual pages that `man` reads
//! without a warning, and one version everywhere.

use std::process::Command;

use super::BIN;

fn seedance(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        // Nothing here may need a data folder: a packager's build machine has none.
        .env("SEEDANCE_DATA_DIR", "/nonexistent/seedance-data")
        .output()
        .unwrap()
}

fn completion_file(shell: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let out = seedance(&["completions", shell]);
    assert!(out.status.success(), "{shell}: {out:?}");
    let path = dir.join(format!("seedance.{shell}"));
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(out.status.success(), "{program} {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_complete_subcommands_and_values_in_bash_zsh_and_fish() {
    let dir = tempfile::tempdir().unwrap();
    let bash = completion_file("bash", dir.path());
    // bash: the function the script registers, asked as the shell asks it on Tab.
    let script = format!(
        "source {}; COMP_WORDS=(seedance gen); COMP_CWORD=1; COMP_LINE='seedance gen'; \
         COMP_POINT=${{#COMP_LINE}}; _seedance seedance gen seedance; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        bash.display()
    );
    assert_eq!(run("bash", &["-c", &script]).trim(), "generate");
    let script = format!(
        "source {}; COMP_WORDS=(seedance generate --tier ''); COMP_CWORD=3; \
         COMP_LINE='seedance generate --tier '; COMP_POINT=${{#COMP_LINE}}; \
         _seedance seedance '' --tier; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        bash.display()
    );
    let tiers = run("bash", &["-c", &script]);
    for tier in ["mini", "standard", "pro"] {
        assert!(tiers.lines().any(|l| l == tier), "{tier} not in {tiers:?}");
    }

    // fish: its own completer, given the command line.
    let fish = completion_file("fish", dir.path());
    let script = format!(
        "source {}; complete -C 'seedance project ren'",
        fish.display()
    );
    let offered = run("fish", &["--no-config", "-c", &script]);
    assert!(offered.starts_with("render"), "{offered:?}");

    // zsh: the script parses, and defines the completion function once autoloaded.
    let zsh = completion_file("zsh", dir.path());
    run("zsh", &["-n", &zsh.display().to_string()]);
    let script = format!(
        "autoload -Uz compinit && compinit -u -d {0}/zcompdump; source {1}; whence -w _seedance",
        dir.path().display(),
        zsh.display()
    );
    assert!(
        run("zsh", &["-f", "-c", &script]).contains("_seedance: function"),
        "zsh has no _seedance"
    );
}

#[test]
fn the_manual_has_a_page_per_subcommand_that_man_reads_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let out = seedance(&["--json", "manual", &pages.display().to_string()]);
    assert!(out.status.success(), "{out:?}");
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = listed["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for wanted in [
        "seedance.1",
        "seedance-generate.1",
        "seedance-key-set.1",
        "seedance-project-render.1",
        "seedance-mcp.1",
        "seedance-completions.1",
    ] {
        assert!(names.contains(&wanted), "{wanted} not in {names:?}");
    }
    assert!(names.len() > 25, "{names:?}");
    for name in &names {
        let page = pages.join(name);
        // groff's own check: every request and escape understood, nothing warned about.
        let checked = Command::new("groff")
            .args(["-k", "-man", "-ww", "-z"])
            .arg(&page)
            .output()
            .unwrap();
        assert!(
            checked.status.success() && checked.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&checked.stderr)
        );
    }
    let shown = Command::new("man")
        .arg("-l")
        .arg(pages.join("seedance-generate.1"))
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.contains("--prompt") && text.contains("--wait"),
        "{text}"
    );
}

#[test]
fn the_version_is_the_workspace_version() {
    let out = seedance(&["--version"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("seedance {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_value_outside_its_set_is_refused_naming_what_is_allowed() {
    let out = seedance(&["generate", "--prompt", "a cat walking", "--tier", "ultra"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"ultra\" is not a quality tier; use one of mini, standard, pro"),
        "{err}"
    );
}
