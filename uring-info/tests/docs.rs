//! The commands of docs/troubleshooting.md, docs/uring-info.md and docs/migrating.md:
//! every line of a ```sh block runs with `uring-info` (this package's binary) first on
//! the PATH and must exit 0; a ```sh no-run block (commands that change the machine, need root or tools the
//! test machine lacks, or build the whole project) must pass `bash -n`.

use std::path::{Path, PathBuf};
use std::process::Command;

const EXE: &str = env!("CARGO_BIN_EXE_uring-info");
const DOCS: &[&str] = &["docs/troubleshooting.md", "docs/uring-info.md", "docs/migrating.md"];

/// The fenced blocks of `markdown` whose info string starts with "sh": (runnable, text,
/// line of the opening fence).
fn sh_blocks(markdown: &str) -> Vec<(bool, String, usize)> {
    let mut blocks = Vec::new();
    let mut current: Option<(bool, String, usize)> = None;
    for (n, line) in markdown.lines().enumerate() {
        match (&mut current, line.trim_start().strip_prefix("```")) {
            (None, Some(info)) => {
                let mut words = info.split_whitespace();
                if words.next() == Some("sh") {
                    current = Some((!words.any(|w| w == "no-run"), String::new(), n + 1));
                } else {
                    // Another language: skip to its closing fence.
                    current = Some((false, "\u{0}skip".into(), n + 1));
                }
            }
            (Some(_), Some(_)) => {
                let block = current.take().expect("inside a block");
                if !block.1.starts_with('\u{0}') {
                    blocks.push(block);
                }
            }
            (Some((_, text, _)), None) => {
                if !text.starts_with('\u{0}') {
                    text.push_str(line);
                    text.push('\n');
                }
            }
            (None, None) => {}
        }
    }
    assert!(current.is_none(), "unclosed fence");
    blocks
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn path_with_uring_info() -> String {
    let dir = Path::new(EXE).parent().expect("bin dir");
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}

/// Whether io_uring works for this test process (the commands that run uring-info exit
/// 1 otherwise, as documented).
fn io_uring_works() -> bool {
    Command::new(EXE)
        .arg("--no-selftest")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn the_block_parser_finds_sh_blocks_only() {
    let md = "a\n```sh\necho 1\n```\n```c\nint x;\n```\n```sh no-run\nrm -rf /nope\n```\n";
    let b = sh_blocks(md);
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!(b[0], (true, "echo 1\n".to_string(), 2));
    assert_eq!(b[1], (false, "rm -rf /nope\n".to_string(), 8));
}

#[test]
fn documented_commands_run() {
    let works = io_uring_works();
    let mut ran = 0;
    let mut failures = Vec::new();
    for doc in DOCS {
        let path = root().join(doc);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let blocks = sh_blocks(&text);
        assert!(!blocks.is_empty(), "{doc} has no sh block");
        for (runnable, block, line) in blocks {
            if !runnable {
                let out = Command::new("bash").args(["-n", "-c", &block]).output().expect("bash");
                if !out.status.success() {
                    failures.push(format!(
                        "{doc}:{line}: bash -n: {}",
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
                continue;
            }
            for cmd in block
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            {
                if !works && cmd.contains("uring-info") {
                    println!("SKIP: {doc}:{line}: `{cmd}` (io_uring is not usable by this test process)");
                    continue;
                }
                let out = Command::new("bash")
                    .args(["-c", &format!("set -o pipefail; {cmd}")])
                    .env("PATH", path_with_uring_info())
                    .current_dir(root())
                    .output()
                    .expect("bash");
                ran += 1;
                println!("$ {cmd}\n{}", String::from_utf8_lossy(&out.stdout));
                if !out.status.success() {
                    failures.push(format!(
                        "{doc}:{line}: `{cmd}` exited with {}: {}",
                        out.status,
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(ran >= 10, "only {ran} commands ran");
}
