//! The C library is the size of a C library (issue 15): `liburing.so` and `liburing.a` are
//! built from a `#![no_std]` crate, so they carry no unwinder, no backtrace symbolizer, no
//! thread-locals and no libgcc_s dependency. Sizes are fine as assertions here: they are
//! properties of the build, not timings.
//!
//! Checked on the release build (`cargo build --release -p liburing`, what `make install`
//! installs):
//! * `liburing.so`'s text (`size`'s Berkeley "text": code, read-only data, unwind tables)
//!   is at most 1.5x that of liburing 2.15's `liburing-ffi.so` for the same functions
//!   (45.6 KB, measured once on 2.15 built with its default flags);
//! * `liburing.so` imports nothing but libc: `NEEDED` is libc alone and every undefined
//!   symbol is a `GLIBC_*` one (or one of the four weak hooks every gcc-linked object has);
//! * no panic machinery is linked in at all (`core::panicking::*`, `rust_begin_unwind`):
//!   the proof that no C path of the core can reach a panic, since the linker keeps only
//!   what is referenced;
//! * a small NOP program linked with `liburing.a` is at most 150 KB stripped, imports
//!   libc only, and runs;
//! * `gcc -static` links that program without a warning, and it runs;
//! * `pkg-config`'s `Libs.private` is empty because nothing else is needed.
//!
//! The figures are printed on every run (`cargo test --test size -- --nocapture`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/c_build.rs"]
mod c_build;
use c_build::{build_c_library, repo_root, run, s};

/// `liburing-ffi.so` of liburing 2.15: Berkeley text size in bytes.
const LIBURING_FFI_TEXT: u64 = 45_600;
/// Issue 15's bound for a stripped NOP program linked with our `liburing.a`.
const STATIC_NOP_MAX: u64 = 150 * 1024;

/// The weak, undefined symbols every gcc-linked shared object carries (transactional
/// memory and profiling hooks, `__cxa_finalize`): not imports of ours.
const STANDARD_WEAK: &[&str] = &[
    "_ITM_deregisterTMCloneTable",
    "_ITM_registerTMCloneTable",
    "__gmon_start__",
    "__cxa_finalize",
];

const NOP_PROGRAM: &str = r#"
#include <liburing.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    struct io_uring ring;
    struct io_uring_cqe *cqe;
    int ret = io_uring_queue_init(8, &ring, 0);
    if (ret < 0) {
        fprintf(stderr, "queue_init: %s\n", strerror(-ret));
        return 1;
    }
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_nop(sqe);
    io_uring_sqe_set_data64(sqe, 77);
    ret = io_uring_submit_and_wait(&ring, 1);
    if (ret != 1 || io_uring_peek_cqe(&ring, &cqe) != 0) {
        fprintf(stderr, "submit_and_wait: %d\n", ret);
        return 1;
    }
    if (cqe->user_data != 77 || cqe->res != 0) {
        fprintf(stderr, "bad cqe: %llu %d\n", (unsigned long long)cqe->user_data, cqe->res);
        return 1;
    }
    io_uring_cqe_seen(&ring, cqe);
    io_uring_queue_exit(&ring);
    puts("nop ok");
    return 0;
}
"#;

fn release() -> PathBuf {
    build_c_library().unwrap_or_else(|e| panic!("{e}"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = repo_root().join("target/size-test").join(name);
    fs::create_dir_all(&dir).expect("mkdir target/size-test");
    dir
}

/// Berkeley "text" of an ELF file, from binutils' `size`.
fn text_size(file: &Path) -> u64 {
    let out = run(Command::new("size").arg(file)).unwrap_or_else(|e| panic!("{e}"));
    let line = out
        .lines()
        .nth(1)
        .unwrap_or_else(|| panic!("no figures from size: {out}"));
    line.split_whitespace()
        .next()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("bad size line: {line}"))
}

/// `NEEDED` entries of a dynamic ELF file.
fn needed(file: &Path) -> Vec<String> {
    let out = run(Command::new("readelf").args(["-d", "-W"]).arg(file)).unwrap_or_else(|e| panic!("{e}"));
    out.lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| l.split('[').nth(1).and_then(|r| r.split(']').next()).map(str::to_owned))
        .collect()
}

/// Undefined dynamic symbols that are not libc's: each would be a dependency the real
/// liburing does not have.
fn foreign_imports(file: &Path) -> Vec<String> {
    let out = run(Command::new("nm").args(["-D", "--undefined-only"]).arg(file)).unwrap_or_else(|e| panic!("{e}"));
    out.lines()
        .filter_map(|l| l.split_whitespace().last())
        .filter(|sym| !sym.contains("@GLIBC_") && !STANDARD_WEAK.contains(sym))
        .map(str::to_owned)
        .collect()
}

fn assert_libc_only(file: &Path) {
    let needed = needed(file);
    assert!(
        needed.iter().all(|n| n == "libc.so.6" || n.starts_with("ld-linux")),
        "{} needs more than libc: {needed:?}",
        file.display()
    );
    let foreign = foreign_imports(file);
    assert!(
        foreign.is_empty(),
        "{} imports non-libc symbols: {foreign:?}",
        file.display()
    );
}

fn compile_nop(dir: &Path, extra: &[&str], out_name: &str) -> (PathBuf, String) {
    let src = dir.join("nop.c");
    fs::write(&src, NOP_PROGRAM).expect("write nop.c");
    let release = release();
    let exe = dir.join(out_name);
    let out = Command::new("gcc")
        .args(["-O2", "-Wall", "-Wextra"])
        .args(extra)
        .arg("-I")
        .arg(repo_root().join("include"))
        .arg(&src)
        .arg(release.join("liburing.a"))
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("run gcc");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "gcc {extra:?} failed:\n{stderr}");
    (exe, stderr)
}

fn run_nop(exe: &Path) {
    let out = run(&mut Command::new(exe)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.trim(), "nop ok", "{} printed {out:?}", exe.display());
}

#[test]
fn shared_library_text_is_within_one_and_a_half_liburing_ffi() {
    let so = release().join("liburing.so");
    let text = text_size(&so);
    println!(
        "liburing.so text: {text} bytes (liburing-ffi 2.15: {LIBURING_FFI_TEXT}; ratio {:.2})",
        text as f64 / LIBURING_FFI_TEXT as f64
    );
    assert!(
        text * 2 <= LIBURING_FFI_TEXT * 3,
        "liburing.so text {text} > 1.5 x {LIBURING_FFI_TEXT}"
    );
}

#[test]
fn shared_library_imports_libc_only() {
    assert_libc_only(&release().join("liburing.so"));
}

/// Panic-related symbols in a linked ELF file (with their addresses), from `nm -C`.
fn panic_symbols(file: &Path) -> Vec<String> {
    let out = run(Command::new("nm").arg("-C").arg(file)).unwrap_or_else(|e| panic!("{e}"));
    out.lines()
        .filter(|l| l.contains("core::panicking") || l.contains("rust_begin_unwind") || l.contains("panic_fmt"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn no_panic_machinery_is_linked() {
    let so = release().join("liburing.so");
    let panics = panic_symbols(&so);
    assert!(
        panics.is_empty(),
        "{} links panic machinery (a reachable panic on a C path):\n{}",
        s(&so),
        panics.join("\n")
    );
    // The same for a program that links liburing.a (unstripped, so nm sees its symbols).
    let (exe, _) = compile_nop(&scratch("panic-check"), &[], "nop");
    let panics = panic_symbols(&exe);
    assert!(
        panics.is_empty(),
        "a program linked with liburing.a gets panic machinery:\n{}",
        panics.join("\n")
    );
}

#[test]
fn nop_program_with_static_liburing_is_small_and_imports_libc_only() {
    let dir = scratch("static-liburing");
    let (exe, _) = compile_nop(&dir, &[], "nop");
    run_nop(&exe);
    assert_libc_only(&exe);
    let stripped = dir.join("nop.stripped");
    run(Command::new("strip").arg("-o").arg(&stripped).arg(&exe)).unwrap_or_else(|e| panic!("{e}"));
    let bytes = fs::metadata(&stripped).expect("stat stripped").len();
    let archive = fs::metadata(release().join("liburing.a"))
        .expect("stat liburing.a")
        .len();
    println!(
        "NOP program with liburing.a: {bytes} bytes stripped (bound {STATIC_NOP_MAX}); liburing.a: {archive} bytes"
    );
    assert!(
        bytes <= STATIC_NOP_MAX,
        "stripped NOP program is {bytes} bytes > {STATIC_NOP_MAX}"
    );
}

#[test]
fn fully_static_link_has_no_warnings() {
    if !Path::new(&format!("/usr/lib/{}-linux-gnu/libc.a", std::env::consts::ARCH)).is_file() {
        panic!("libc.a missing: install libc6-dev (.ci/run does)");
    }
    let dir = scratch("full-static");
    let (exe, stderr) = compile_nop(&dir, &["-static"], "nop");
    assert!(!stderr.contains("warning"), "gcc -static printed warnings:\n{stderr}");
    let interp = run(Command::new("readelf").args(["-l", "-W"]).arg(&exe)).unwrap_or_else(|e| panic!("{e}"));
    assert!(!interp.contains("INTERP"), "a -static program has no interpreter");
    run_nop(&exe);
}

#[test]
fn pkg_config_static_libs_are_empty() {
    let pc = fs::read_to_string(repo_root().join("liburing.pc.in")).expect("read liburing.pc.in");
    let private = pc
        .lines()
        .find_map(|l| l.strip_prefix("Libs.private:"))
        .expect("Libs.private line");
    assert_eq!(
        private.trim(),
        "",
        "liburing.a needs nothing but libc, so Libs.private lists nothing"
    );
    // And the claim behind it: a static link with nothing but -luring works (the NOP
    // program above links with liburing.a alone).
    let dir = scratch("pc-static");
    let (exe, _) = compile_nop(&dir, &[], "nop");
    run_nop(&exe);
}
