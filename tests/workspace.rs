//! The workspace keeps its promise to Rust users: depending on the `uring` crate compiles
//! `uring` and `libc` and nothing else (no cbindgen, no build script, no C library).

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `cargo tree` of one package: the names of everything it builds for a dependent.
fn dependency_names(package: &str, features: &[&str]) -> Vec<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-p",
            package,
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .args(features)
        .current_dir(root())
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn the_rust_crate_depends_on_libc_alone() {
    assert_eq!(dependency_names("uring", &[]), ["libc", "uring"]);
    assert_eq!(dependency_names("uring", &["--no-default-features"]), ["libc", "uring"]);
}

#[test]
fn the_rust_crate_has_no_build_script() {
    let manifest = std::fs::read_to_string(root().join("uring/Cargo.toml")).expect("read uring/Cargo.toml");
    assert!(
        !manifest.lines().any(|l| l.trim_start().starts_with("build =")),
        "uring/Cargo.toml names a build script"
    );
    assert!(
        !root().join("uring/build.rs").exists(),
        "uring/build.rs exists: a Rust user would compile it"
    );
}
