//! include/liburing.h: cbindgen over the Rust sources of the C shim, as the generator
//! would leave them (the other outputs applied), with the hand-written prologue and
//! epilogue around it.

use std::path::{Path, PathBuf};

use crate::table::Table;
use crate::{layout, Output};

/// libc structs that liburing's prototypes name with the `struct` keyword.
const LIBC_STRUCTS: &[&str] = &["iovec", "msghdr", "sockaddr", "cmsghdr", "epoll_event", "statx"];

/// Types cbindgen must not emit: they come from the hand-written kernel header
/// (`include/liburing/io_uring.h`) or from the C library.
fn kernel_and_libc_types(types_rs: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in types_rs.lines() {
        let line = line.trim_start();
        for kw in ["pub struct ", "pub union ", "pub type "] {
            if let Some(rest) = line.strip_prefix(kw) {
                names.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
            }
        }
    }
    for t in ["__u8", "__u16", "__u32", "__s32", "__u64", "open_how", "futex_waitv"] {
        names.push(t.to_string());
    }
    names
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| format!("{}: {e}", from.display()))?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// A scratch copy of the repository's Rust sources with the generated files in place.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn generate(root: &Path, t: &Table, outputs: &[Output]) -> Result<Output, String> {
    let scratch = Scratch(std::env::temp_dir().join(format!("uring-xtask-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&scratch.0);
    // Copy the source directory of every crate root, then overlay the generated files.
    let mut dirs = Vec::new();
    for crate_root in layout::CBINDGEN_ROOTS {
        let dir = Path::new(crate_root)
            .parent()
            .ok_or("a crate root without a directory")?;
        copy_dir(&root.join(dir), &scratch.0.join(dir))?;
        dirs.push(dir);
    }
    // The modules those roots declare by `#[path]` from other directories.
    for dir in layout::CBINDGEN_MODULE_DIRS {
        let dir = Path::new(dir);
        copy_dir(&root.join(dir), &scratch.0.join(dir))?;
        dirs.push(dir);
    }
    for o in outputs
        .iter()
        .filter(|o| dirs.iter().any(|d| Path::new(&o.path).starts_with(d)))
    {
        std::fs::write(scratch.0.join(&o.path), &o.content).map_err(|e| format!("{}: {e}", o.path))?;
    }
    let sources = &scratch.0;

    let mut config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).map_err(|e| format!("cbindgen.toml: {e}"))?;
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    config.after_includes = Some(read(&root.join("cbindgen/prologue.h"))?);
    config.trailer = Some(read(&root.join("cbindgen/epilogue.h"))?);
    // cbindgen's exclusion list is by name and applies to functions too: a struct named
    // like a function (`struct io_uring_clone_buffers`) must not hide the prototype.
    for name in kernel_and_libc_types(&read(&sources.join(layout::TYPES_RS))?) {
        if t.function(&name).is_some() {
            continue;
        }
        config.export.exclude.push(name.clone());
        config.export.rename.insert(name.clone(), format!("struct {name}"));
    }
    // The extensions (src/ffi/ext.rs) have their own header, include/uring/ext.h: keep
    // their functions and struct out of liburing.h.
    for name in &t.ext_symbols {
        config.export.exclude.push(name.clone());
    }
    config.export.exclude.push("uring_ring_stats".to_string());
    for ty in ["__u8", "__u16", "__u32", "__s32", "__u64"] {
        config.export.rename.remove(ty);
    }
    for ty in LIBC_STRUCTS {
        config.export.rename.insert(ty.to_string(), format!("struct {ty}"));
    }
    let mut builder = cbindgen::Builder::new().with_config(config);
    for crate_root in layout::CBINDGEN_ROOTS {
        builder = builder.with_src(sources.join(crate_root));
    }
    let bindings = builder.generate().map_err(|e| format!("cbindgen: {e}"))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    let text = String::from_utf8(out).map_err(|e| format!("cbindgen output: {e}"))?;
    let gnu: Vec<String> = t
        .functions
        .iter()
        .filter(|f| f.gnu_only)
        .map(|f| format!(" {}(", f.name))
        .collect();
    Ok(Output {
        path: "include/liburing.h".into(),
        content: wrap_gnu_only(&text, &gnu),
    })
}

/// Put the `_GNU_SOURCE`-only prototypes (with their doc comments) under
/// `#ifdef _GNU_SOURCE`, as liburing does. cbindgen separates items by blank lines.
fn wrap_gnu_only(text: &str, gnu: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    for (i, block) in text.split("\n\n").enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        let is_gnu = block
            .lines()
            .any(|l| !l.trim_start().starts_with(['/', '*']) && gnu.iter().any(|g| l.contains(g.as_str())));
        if is_gnu {
            out.push_str("#ifdef _GNU_SOURCE\n");
            out.push_str(block);
            out.push_str("\n#endif");
        } else {
            out.push_str(block);
        }
    }
    out
}
