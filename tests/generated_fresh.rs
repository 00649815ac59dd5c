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
