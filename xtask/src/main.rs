//! The repository's generator: everything that repeats liburing's API is written from the
//! table in `api/` (see docs/architecture.md, "Generation").
//!
//! ```text
//! cargo run -p xtask -- generate   # rewrite every generated file that differs
//! cargo run -p xtask -- check      # exit 1 and name each stale file (tests/generated_fresh.rs)
//! ```
//! `--root DIR` runs on another checkout (default: the workspace root).

mod gen;
mod header;
mod table;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where things live in the repository (relative to its root): the one place to change
/// when packages move.
pub mod layout {
    /// The C shim: the crate directory whose `src/ffi/` holds the `extern "C"` items.
    pub const FFI_DIR: &str = "src/ffi";
    /// The kernel-ABI constants module.
    pub const CONSTS_RS: &str = "uring/src/sys/consts.rs";
    /// The kernel-ABI types, which cbindgen must leave to the hand-written uapi header.
    pub const TYPES_RS: &str = "uring/src/sys/types.rs";
    /// The crate roots cbindgen reads (with the modules they declare), in order.
    pub const CBINDGEN_ROOTS: &[&str] = &["src/lib.rs"];
    /// Directories whose files those roots include as modules by `#[path]`: the C
    /// library's `src/lib.rs` compiles the core from `uring/src/`.
    pub const CBINDGEN_MODULE_DIRS: &[&str] = &["uring/src"];
}

/// The command that regenerates everything, as printed in messages.
pub const COMMAND: &str = "cargo run -p xtask -- generate";

/// A generated file: its path relative to the repository root and its full content.
pub struct Output {
    pub path: String,
    pub content: String,
}

fn usage() -> ExitCode {
    eprintln!("usage: cargo run -p xtask -- generate|check [--root DIR]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(cmd) = args.next() else { return usage() };
    let mut root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--root", Some(dir)) => root = PathBuf::from(dir),
            _ => return usage(),
        }
    }
    let write = match cmd.as_str() {
        "generate" => true,
        "check" => false,
        _ => return usage(),
    };
    match run(&root, write) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Generate every file; write the ones that differ (`write`) or report them. Returns
/// whether everything was already up to date (always true after writing).
fn run(root: &Path, write: bool) -> Result<bool, String> {
    let table = table::Table::load(root)?;
    let mut outputs = gen::all(root, &table)?;
    // The header last: cbindgen reads the Rust sources as the generator leaves them.
    outputs.push(header::generate(root, &table, &outputs)?);
    let mut stale = Vec::new();
    for o in &outputs {
        let path = root.join(&o.path);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(o.content.as_str()) {
            continue;
        }
        if write {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&path, &o.content).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("wrote {}", o.path);
        } else {
            stale.push(o.path.clone());
        }
    }
    if stale.is_empty() {
        println!("{} generated files are up to date", outputs.len());
        return Ok(true);
    }
    for s in &stale {
        eprintln!("stale: {s} differs from what api/ generates");
    }
    eprintln!("run `{COMMAND}` and commit the result (edit api/*.toml, not the generated files)");
    Ok(false)
}
