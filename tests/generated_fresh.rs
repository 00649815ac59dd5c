//! Every generated file is what `api/` generates: runs the generator in check mode
//! (`cargo run -p xtask -- check`, built in its own target directory) and fails naming
//! each stale file and the command that regenerates it.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn generated_files_match_the_api_table() {
    let root = repo_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let out = Command::new(&cargo)
        .args(["run", "--quiet", "-p", "xtask", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(root.join("target/xtask"))
        .args(["--", "check", "--root"])
        .arg(&root)
        .env_remove("CARGO_TARGET_DIR")
        .current_dir(&root)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("could not run {cargo:?}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "generated files are stale or the generator failed ({}):\n{stdout}{stderr}\n\
         fix: cargo run -p xtask -- generate, then commit the regenerated files",
        out.status
    );
    assert!(
        stdout.contains("generated files are up to date"),
        "unexpected generator output:\n{stdout}{stderr}"
    );
}

/// Every prototype in include/liburing.h carries a doc comment that says what the
/// function returns (or that it returns nothing) and which liburing version added it.
#[test]
fn every_prototype_in_the_header_is_documented() {
    let path = repo_root().join("include/liburing.h");
    let header = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Vec<&str> = header.lines().collect();
    let mut checked = 0;
    let mut problems = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.trim_end().ends_with("LIBURING_NOEXCEPT;") || line.starts_with('#') {
            continue;
        }
        let name: String = line
            .split('(')
            .next()
            .and_then(|head| head.split([' ', '*']).next_back())
            .unwrap_or_default()
            .to_string();
        checked += 1;
        // The doc comment ends on the line above (an `#ifdef _GNU_SOURCE` may sit in
        // front of the comment, not between it and the prototype).
        if i == 0 || lines[i - 1].trim() != "*/" {
            problems.push(format!("{name}: no doc comment right above the prototype"));
            continue;
        }
        let start = (0..i).rev().find(|&j| lines[j].trim_start().starts_with("/**"));
        let Some(start) = start else {
            problems.push(format!("{name}: unterminated doc comment"));
            continue;
        };
        let doc = lines[start..i].join("\n");
        let returns_void = line.starts_with("void ") && !line.starts_with("void *");
        if !(returns_void || doc.contains("Return") || doc.contains("returns")) {
            problems.push(format!("{name}: the doc does not say what it returns"));
        }
        if returns_void && !(doc.contains("Returns nothing") || doc.contains("returns nothing")) {
            problems.push(format!(
                "{name}: the doc of a void function does not say it returns nothing"
            ));
        }
        if !(doc.contains("Since liburing 2.") || doc.contains("after 2.15") || doc.contains("library-internal")) {
            problems.push(format!(
                "{name}: the doc does not name the liburing version that added it"
            ));
        }
    }
    assert!(checked >= 234, "found only {checked} prototypes in {}", path.display());
    assert!(
        problems.is_empty(),
        "{} of {checked} prototypes are not documented (edit the `doc` in api/functions.toml, then \
         cargo run -p xtask -- generate):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
