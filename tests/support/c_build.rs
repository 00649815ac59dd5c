// Building the C library from a test: `cargo build --release --lib -p liburing` into
// target/c-abi, the one place every C-driving test links against. Used as
// `#[path = "support/c_build.rs"] mod c_build;`.
//
// A separate target directory, because `cargo test` holds target/'s build lock while it
// builds, and its own test-profile build of the library is not the release artifact.

#![allow(dead_code)] // each test uses the part it needs

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root (the workspace root, where the C library package lives).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Build target/c-abi/release/liburing.so and liburing.a; returns the release directory.
pub fn build_c_library() -> Result<PathBuf, String> {
    let root = repo_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let target_dir = root.join("target/c-abi");
    let out = Command::new(&cargo)
        .args(["build", "--release", "--lib", "-p", "liburing", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .current_dir(&root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {cargo:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo build --release --lib -p liburing --target-dir {} failed ({}):\n{}{}",
            target_dir.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let release = target_dir.join("release");
    for file in ["liburing.so", "liburing.a"] {
        if !release.join(file).is_file() {
            return Err(format!(
                "cargo build succeeded but {} is missing",
                release.join(file).display()
            ));
        }
    }
    Ok(release)
}

/// Run a command to completion; its stdout, or an error with everything it printed.
pub fn run(cmd: &mut Command) -> Result<String, String> {
    let shown = format!("{cmd:?}");
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("{shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{shown} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[allow(dead_code)]
/// `path` as a string for command lines (test paths are UTF-8).
pub fn s(path: &Path) -> String {
    path.display().to_string()
}
