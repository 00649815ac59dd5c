//! The versioned C library exports exactly liburing's symbols under liburing's nodes.
//!
//! Builds the shared library the same way the C-test runner does
//! (`cargo build --release --lib --target-dir <repo>/target/c-abi`), reads its dynamic
//! symbol table with `readelf --dyn-syms -W` and compares it with
//! `tests/data/exports.txt` (generated from `api/functions.toml` by `cargo run -p xtask -- generate`):
//!
//! * every function listed there is exported, defined, as `name@@NODE` with exactly
//!   its node (the default version, so new links bind to it);
//! * the rows marked `so` are liburing.so's 83 functions;
//! * no other function is exported;
//! * the SONAME is `liburing.so.2`;
//! * the rows marked `ext` (our extensions, `include/uring/ext.h`) are exactly
//!   `api/ext_symbols.txt`, all under `URING_EXT_1`, which `liburing.map` defines with
//!   exactly those names, and no liburing node holds a `uring_` name.
//!
//! Every missing or wrong symbol is printed before the test fails.
//!
//! A second test checks the library-internal functions liburing's own tests call
//! (`__io_uring_queue_init_params`, `io_uring_unmap_rings`): global in `liburing.a`,
//! never in the shared object's dynamic symbol table, as in liburing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/c_build.rs"]
mod c_build;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Build the versioned library; returns the path of `liburing.so`.
fn build_library(_root: &Path) -> PathBuf {
    c_build::build_c_library()
        .unwrap_or_else(|e| panic!("{e}"))
        .join("liburing.so")
}

/// `name -> (node, origin)` from `tests/data/exports.txt`.
fn expected(root: &Path) -> BTreeMap<String, (String, String)> {
    let path = root.join("tests/data/exports.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut map = BTreeMap::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f.len(), 3, "malformed line in exports.txt: {line:?}");
        assert!(
            map.insert(f[0].to_string(), (f[1].to_string(), f[2].to_string()))
                .is_none(),
            "duplicate {}",
            f[0]
        );
    }
    map
}

/// One defined dynamic symbol: type, binding and the version suffix (`@@NODE`, `@NODE`
/// or empty).
#[derive(Debug)]
struct Sym {
    kind: String,
    bind: String,
    version: String,
}

fn run(tool: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("could not run {tool} (binutils is needed for this test): {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("readelf output is not UTF-8")
}

/// Defined symbols of the dynamic symbol table, by name. A name may appear with several
/// versions (a default `@@` and older `@` ones), so each maps to a list.
fn dynamic_symbols(so: &Path) -> BTreeMap<String, Vec<Sym>> {
    let text = run("readelf", &["--dyn-syms", "-W"], so);
    let mut syms: BTreeMap<String, Vec<Sym>> = BTreeMap::new();
    for line in text.lines() {
        // Num: Value Size Type Bind Vis Ndx Name
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 8 || !f[0].ends_with(':') || f[0] == "Num:" {
            continue;
        }
        if f[6] == "UND" {
            continue;
        }
        let full = f[7];
        let (name, version) = match full.find('@') {
            Some(i) => (&full[..i], &full[i..]),
            None => (full, ""),
        };
        syms.entry(name.to_string()).or_default().push(Sym {
            kind: f[3].to_string(),
            bind: f[4].to_string(),
            version: version.to_string(),
        });
    }
    syms
}

#[test]
fn library_exports_every_function_under_its_node() {
    let root = repo_root();
    let want = expected(&root);
    let so_rows = want.values().filter(|(_, origin)| origin == "so").count();
    assert_eq!(
        so_rows, 83,
        "tests/data/exports.txt should mark liburing.so's 83 functions `so`"
    );

    let so = build_library(&root);
    let have = dynamic_symbols(&so);
    let mut problems = Vec::new();

    for (name, (node, origin)) in &want {
        let wanted = format!("@@{node}");
        match have.get(name) {
            None => problems.push(format!("missing: {name}@@{node} ({origin})")),
            Some(list) => {
                let ok = list
                    .iter()
                    .any(|s| s.version == wanted && s.kind == "FUNC" && s.bind != "LOCAL");
                if !ok {
                    let got: Vec<String> = list
                        .iter()
                        .map(|s| format!("{name}{} [{} {}]", s.version, s.kind, s.bind))
                        .collect();
                    problems.push(format!(
                        "wrong: {name} should be {name}@@{node} FUNC ({origin}), found {}",
                        got.join(", ")
                    ));
                }
            }
        }
    }
    for (name, list) in &have {
        if want.contains_key(name) {
            continue;
        }
        for s in list.iter().filter(|s| s.kind == "FUNC") {
            problems.push(format!(
                "unexpected export: {name}{} [{} {}]",
                s.version, s.kind, s.bind
            ));
        }
    }

    let dynamic = run("readelf", &["-d", "-W"], &so);
    let soname_ok = dynamic
        .lines()
        .any(|l| l.contains("(SONAME)") && l.contains("[liburing.so.2]"));
    if !soname_ok {
        problems.push("SONAME is not liburing.so.2".to_string());
    }

    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        panic!(
            "{} problem(s) with the exports of {} (expected {} functions, {} of them liburing.so's)",
            problems.len(),
            so.display(),
            want.len(),
            so_rows
        );
    }
}

/// Names listed in `api/ext_symbols.txt`.
fn ext_symbols(root: &Path) -> Vec<String> {
    let path = root.join("api/ext_symbols.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// The names in `node { global: ...; }` of a version script.
fn map_node(map: &str, node: &str) -> Option<Vec<String>> {
    let start = map.find(&format!("{node} {{"))?;
    let body = &map[start..];
    let body = &body[..body.find('}')?];
    Some(
        body.lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| l.ends_with(';') && !l.contains(':'))
            .map(|l| l.trim_end_matches(';').to_string())
            .collect(),
    )
}

#[test]
fn extensions_are_exactly_the_uring_ext_1_node() {
    let root = repo_root();
    let mut listed = ext_symbols(&root);
    listed.sort();
    assert!(!listed.is_empty(), "api/ext_symbols.txt lists no symbol");
    let want = expected(&root);
    let mut rows: Vec<String> = want
        .iter()
        .filter(|(_, (_, origin))| origin == "ext")
        .map(|(name, (node, _))| {
            assert_eq!(node, "URING_EXT_1", "{name}: extension rows belong to URING_EXT_1");
            name.clone()
        })
        .collect();
    rows.sort();
    assert_eq!(rows, listed, "tests/data/exports.txt `ext` rows vs api/ext_symbols.txt");
    for (name, (node, origin)) in &want {
        if origin != "ext" {
            assert!(node.starts_with("LIBURING_"), "{name}: {node}");
            assert!(
                !name.starts_with("uring_"),
                "{name} is a liburing row with an extension name"
            );
        }
    }
    let map = std::fs::read_to_string(root.join("liburing.map")).expect("liburing.map");
    let mut node = map_node(&map, "URING_EXT_1").expect("liburing.map has no URING_EXT_1 node");
    node.sort();
    assert_eq!(node, listed, "liburing.map URING_EXT_1 vs api/ext_symbols.txt");
    // The generated liburing.h must not declare them: they live in include/uring/ext.h.
    let header = std::fs::read_to_string(root.join("include/liburing.h")).expect("include/liburing.h");
    let ext_h = std::fs::read_to_string(root.join("include/uring/ext.h")).expect("include/uring/ext.h");
    for name in &listed {
        assert!(!header.contains(name.as_str()), "include/liburing.h declares {name}");
        assert!(
            ext_h.contains(&format!("{name}(")),
            "include/uring/ext.h does not declare {name}"
        );
    }
    assert!(
        !header.contains("uring_ring_stats"),
        "include/liburing.h mentions uring_ring_stats"
    );
}

/// Functions liburing compiles into the library for its own tests: global symbols of
/// `liburing.a`, but local in `liburing.so` (its version script ends in `local: *`).
const INTERNAL_FUNCTIONS: &[&str] = &["__io_uring_queue_init_params", "io_uring_unmap_rings"];

/// Names of the global functions the members of `liburing.a` define, from
/// `readelf --syms -W` (not `nm`: binutils' nm hands Rust's objects to its LLVM plugin,
/// which cannot read them, and then lists no symbols).
fn archive_global_functions(archive: &Path) -> Vec<String> {
    symtab_function_bindings(archive)
        .into_iter()
        .filter(|(_, binds)| binds.iter().any(|b| b == "GLOBAL"))
        .map(|(name, _)| name)
        .collect()
}

/// Binding (`LOCAL`, `GLOBAL`, `WEAK`) of every defined function in the full symbol
/// tables (`.symtab`) of `file` (an object, a shared object or an archive), by name.
fn symtab_function_bindings(file: &Path) -> BTreeMap<String, Vec<String>> {
    let text = run("readelf", &["--syms", "-W"], file);
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 8 || !f[0].ends_with(':') || f[3] != "FUNC" || f[6] == "UND" {
            continue;
        }
        let name = f[7].split('@').next().unwrap_or(f[7]);
        map.entry(name.to_string()).or_default().push(f[4].to_string());
    }
    map
}

#[test]
fn library_internals_are_global_in_the_archive_and_local_in_the_shared_object() {
    let root = repo_root();
    let so = build_library(&root);
    let archive = so.with_file_name("liburing.a");
    assert!(
        archive.is_file(),
        "{} does not exist (is crate-type staticlib set?)",
        archive.display()
    );
    let in_archive = archive_global_functions(&archive);
    let dynamic = dynamic_symbols(&so);
    let symtab = symtab_function_bindings(&so);
    let mut problems = Vec::new();
    for name in INTERNAL_FUNCTIONS {
        if !in_archive.iter().any(|n| n == name) {
            problems.push(format!("{name} is not a global function of {}", archive.display()));
        }
        if let Some(list) = dynamic.get(*name) {
            problems.push(format!(
                "{name} is in the dynamic symbol table of {} ({:?})",
                so.display(),
                list
            ));
        }
        // LTO may inline it away; if the static symbol table still names it, it is local.
        if let Some(binds) = symtab.get(*name) {
            if binds.iter().any(|b| b != "LOCAL") {
                problems.push(format!("{name} is not LOCAL in {}: {binds:?}", so.display()));
            }
        }
    }
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("{p}");
        }
        panic!("{} problem(s) with the library-internal functions", problems.len());
    }
}

/// `(file, module)` pairs of the `#[path = "..."] pub mod name;` declarations in a module
/// list, with the paths made relative to the repository root.
fn module_list(file: &str, base: &str) -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("read {file}: {e}"));
    let mut out = Vec::new();
    let mut path: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some(p) = line.strip_prefix("#[path = \"").and_then(|r| r.strip_suffix("\"]")) {
            path = Some(p.to_owned());
        } else if let Some(name) = line.strip_prefix("pub mod ").and_then(|r| r.strip_suffix(';')) {
            let rel = match path.take() {
                Some(p) => {
                    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
                    for seg in p.split('/') {
                        if seg == ".." {
                            parts.pop();
                        } else {
                            parts.push(seg);
                        }
                    }
                    parts.join("/")
                }
                None => format!("{base}/{name}/mod.rs"),
            };
            out.push((rel, name.to_owned()));
        }
    }
    out
}

/// The C library's module list (src/lib.rs) and the one the in-process C-ABI tests
/// compile (tests/support/c_library.rs) name the same files: the tests test the library.
#[test]
fn c_library_module_lists_agree() {
    let lib = module_list("src/lib.rs", "src");
    let tests = module_list("tests/support/c_library.rs", "tests/support");
    assert!(lib.len() >= 13, "src/lib.rs declares the core modules and ffi: {lib:?}");
    assert_eq!(
        lib, tests,
        "src/lib.rs and tests/support/c_library.rs must list the same modules"
    );
}
