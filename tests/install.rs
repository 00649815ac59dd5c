//! `make install` the way a C user runs it, then build `examples/c/cat.c` with nothing but
//! `pkg-config` flags, dynamically and statically, and run it.
//!
//! The library is built by the Makefile with `TARGET_DIR=target/c-abi`, the build
//! `tests/c_programs.rs` and `tests/qemu.rs` use too (same cargo command, no second LTO
//! build). Skips (reason printed): no `make`, `gcc` or `pkg-config` on the machine.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const VERSION: &str = "2.15";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn have(prog: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|d| d.join(prog).is_file())
}

fn missing_tools(test: &str) -> bool {
    for t in ["make", "gcc", "pkg-config", "readelf"] {
        if !have(t) {
            eprintln!("{test}: skipped: {t} is not installed");
            return true;
        }
    }
    false
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("uring-install-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn run(mut cmd: Command) -> Output {
    let shown = format!("{cmd:?}");
    cmd.stdin(Stdio::null());
    cmd.output().unwrap_or_else(|e| panic!("could not run {shown}: {e}"))
}

fn run_ok(cmd: Command) -> Output {
    let shown = format!("{cmd:?}");
    let out = run(cmd);
    assert!(
        out.status.success(),
        "{shown} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// `make -C <repo> TARGET_DIR=<repo>/target/c-abi <args>`.
fn make(args: &[String]) -> Command {
    let root = repo();
    let mut c = Command::new("make");
    c.arg("-C")
        .arg(&root)
        .arg(format!("TARGET_DIR={}", root.join("target/c-abi").display()))
        .args(args)
        .env(
            "CARGO",
            std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")),
        )
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .env_remove("DESTDIR")
        .env_remove("LIBDIR")
        .env_remove("INCLUDEDIR")
        .env_remove("PKGCONFIGDIR");
    c
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

fn pkg_config(pcdir: &Path, args: &[&str]) -> Vec<String> {
    let mut c = Command::new("pkg-config");
    c.args(args).env("PKG_CONFIG_PATH", pcdir);
    // Only our directory (and the system one, which has no other liburing 2.15).
    c.env_remove("PKG_CONFIG_SYSROOT_DIR");
    let out = run_ok(c);
    text(&out.stdout).split_whitespace().map(String::from).collect()
}

fn readelf(args: &[&str], file: &Path) -> String {
    let mut c = Command::new("readelf");
    c.args(args).arg(file);
    let out = run(c);
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

/// Input for cat: several 64 KiB blocks and a partial one.
fn sample(path: &Path) -> Vec<u8> {
    let mut v = Vec::new();
    let mut x: u32 = 12345;
    while v.len() < 3 * 65536 + 1234 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        v.push((x >> 16) as u8);
    }
    fs::write(path, &v).unwrap();
    v
}

fn run_cat(bin: &Path, input: &Path, want: &[u8], what: &str) {
    // stdout is a regular file: examples/c/cat.c does not retry short writes, which
    // io_uring returns for a pipe whose reader is slower than the writer.
    let out_path = input.with_extension(format!("{what}.out"));
    let out_file = fs::File::create(&out_path).unwrap();
    let mut c = Command::new(bin);
    c.arg(input)
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("LD_PRELOAD")
        .stdout(out_file);
    let out = run(c);
    assert!(
        out.status.success(),
        "{what}: cat failed ({}): {}",
        out.status,
        text(&out.stderr)
    );
    let got = fs::read(&out_path).unwrap();
    assert!(
        got == want,
        "{what}: cat printed {} bytes, not the file's {}",
        got.len(),
        want.len()
    );
}

#[test]
fn make_install_then_build_with_pkg_config() {
    let test = "make_install_then_build_with_pkg_config";
    if missing_tools(test) {
        return;
    }
    let root = repo();
    let tmp = TempDir::new("prefix");
    let prefix = tmp.0.join("usr");
    let lib = prefix.join("lib");
    run_ok(make(&["install".into(), format!("PREFIX={}", prefix.display())]));

    // Library files, links, SONAME, symbol versions.
    let so = lib.join(format!("liburing.so.{VERSION}"));
    let meta = fs::symlink_metadata(&so).unwrap_or_else(|e| panic!("{}: {e}", so.display()));
    assert!(meta.file_type().is_file(), "{} is not a regular file", so.display());
    for (link, to) in [
        ("liburing.so.2", format!("liburing.so.{VERSION}")),
        ("liburing.so", "liburing.so.2".into()),
    ] {
        let got = fs::read_link(lib.join(link)).unwrap_or_else(|e| panic!("{link} is not a symlink: {e}"));
        assert_eq!(got, Path::new(&to), "{link} points elsewhere");
    }
    assert!(lib.join("liburing.a").is_file(), "no liburing.a");
    let dynamic = readelf(&["-d"], &so);
    assert!(
        dynamic.contains("Library soname: [liburing.so.2]"),
        "SONAME:\n{dynamic}"
    );
    let syms = readelf(&["-W", "--dyn-syms"], &so);
    assert!(
        syms.contains("io_uring_queue_init@@LIBURING_2.0"),
        "no versioned io_uring_queue_init"
    );
    assert!(
        syms.contains("io_uring_submit@@LIBURING_2.0"),
        "no versioned io_uring_submit"
    );

    // Headers: exactly include/ of the repository.
    let want = files_under(&root.join("include"));
    let got = files_under(&prefix.join("include"));
    assert_eq!(got, want, "installed headers differ from include/");
    for f in [
        "liburing.h",
        "liburing/io_uring/query.h",
        "liburing/io_uring/bpf_filter.h",
    ] {
        assert!(want.contains(&PathBuf::from(f)), "{f} missing from include/");
    }
    for f in &want {
        assert_eq!(
            fs::read(prefix.join("include").join(f)).unwrap(),
            fs::read(root.join("include").join(f)).unwrap(),
            "installed {} differs",
            f.display()
        );
    }

    // pkg-config sees our .pc and nothing else.
    let pcdir = lib.join("pkgconfig");
    assert_eq!(pkg_config(&pcdir, &["--modversion", "liburing"]), [VERSION]);
    assert_eq!(
        pkg_config(&pcdir, &["--variable=libdir", "liburing"]),
        [lib.display().to_string()]
    );
    let cflags = pkg_config(&pcdir, &["--cflags", "liburing"]);
    assert_eq!(cflags, [format!("-I{}", prefix.join("include").display())]);
    let libs = pkg_config(&pcdir, &["--libs", "liburing"]);
    let static_libs = pkg_config(&pcdir, &["--static", "--libs", "liburing"]);
    // liburing.a is no_std: a static link needs nothing beyond -luring and libc, so
    // Libs.private is empty and the static flags are the dynamic ones.
    assert_eq!(static_libs, libs, "Libs.private should list nothing");

    let input = tmp.0.join("input.bin");
    let want = sample(&input);
    let cat_c = root.join("examples/c/cat.c");

    // Dynamic: pkg-config flags and an rpath, nothing else.
    let cat = tmp.0.join("cat");
    let mut c = Command::new("gcc");
    c.arg(&cat_c)
        .args(&cflags)
        .args(&libs)
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-o")
        .arg(&cat);
    run_ok(c);
    let d = readelf(&["-d"], &cat);
    assert!(
        d.contains("Shared library: [liburing.so.2]"),
        "cat does not need liburing.so.2:\n{d}"
    );
    let mut c = Command::new("ldd");
    c.arg(&cat).env_remove("LD_LIBRARY_PATH");
    let ldd = text(&run_ok(c).stdout);
    let resolved = format!("liburing.so.2 => {}", lib.join("liburing.so.2").display());
    assert!(
        ldd.contains(&resolved),
        "cat does not load the installed library:\n{ldd}"
    );
    run_cat(&cat, &input, &want, "dynamic");

    // Static: `-static` and `pkg-config --static --libs`, so liburing.a is the only choice.
    let cat_static = tmp.0.join("cat-static");
    let mut c = Command::new("gcc");
    c.arg(&cat_c)
        .args(&cflags)
        .arg("-static")
        .args(&static_libs)
        .arg("-o")
        .arg(&cat_static);
    let out = run(c);
    if !out.status.success() {
        let err = text(&out.stderr);
        // Outside our control: the C library itself has no static archive here.
        let no_static_libc = err.contains("cannot find -lc") && !err.contains("cannot find -luring");
        assert!(no_static_libc, "static link failed ({}):\n{err}", out.status);
        eprintln!(
            "{test}: -static skipped: no static C library ({}); linking liburing.a alone",
            err.trim()
        );
        let mut c = Command::new("gcc");
        c.arg(&cat_c).args(&cflags);
        for a in &static_libs {
            if a == "-luring" {
                c.arg("-l:liburing.a");
            } else {
                c.arg(a);
            }
        }
        c.arg("-o").arg(&cat_static);
        run_ok(c);
    }
    let d = readelf(&["-d"], &cat_static);
    assert!(
        !d.contains("liburing"),
        "the static cat still needs a liburing .so:\n{d}"
    );
    let syms = readelf(&["-W", "-s"], &cat_static);
    assert!(
        syms.contains(" io_uring_queue_init"),
        "io_uring_queue_init not linked into the static cat"
    );
    run_cat(&cat_static, &input, &want, "static");

    // Uninstall removes every installed file.
    run_ok(make(&["uninstall".into(), format!("PREFIX={}", prefix.display())]));
    let left = files_under(&prefix);
    assert!(left.is_empty(), "left after make uninstall: {left:?}");
}

#[test]
fn destdir_and_libdir_overrides() {
    if missing_tools("destdir_and_libdir_overrides") {
        return;
    }
    let tmp = TempDir::new("destdir");
    let args = [
        "install".to_string(),
        "PREFIX=/opt/uring".into(),
        "LIBDIR=/opt/uring/lib64".into(),
        format!("DESTDIR={}", tmp.0.display()),
    ];
    run_ok(make(&args));
    let root = tmp.0.join("opt/uring");
    for f in [
        format!("lib64/liburing.so.{VERSION}"),
        "lib64/liburing.so.2".into(),
        "lib64/liburing.so".into(),
        "lib64/liburing.a".into(),
        "lib64/pkgconfig/liburing.pc".into(),
        "include/liburing.h".into(),
        "include/liburing/io_uring.h".into(),
    ] {
        assert!(
            fs::symlink_metadata(root.join(&f)).is_ok(),
            "{f} not installed under DESTDIR"
        );
    }
    // The .pc names the final paths, not the staging directory.
    let pc = fs::read_to_string(root.join("lib64/pkgconfig/liburing.pc")).unwrap();
    assert!(pc.contains("prefix=/opt/uring\n"), "{pc}");
    assert!(pc.contains("libdir=${prefix}/lib64\n"), "{pc}");
    assert!(
        !pc.contains(&tmp.0.display().to_string()),
        "the .pc names DESTDIR:\n{pc}"
    );
    let pcdir = root.join("lib64/pkgconfig");
    assert_eq!(
        pkg_config(&pcdir, &["--variable=libdir", "liburing"]),
        ["/opt/uring/lib64"]
    );
    assert_eq!(
        pkg_config(&pcdir, &["--libs", "liburing"]),
        ["-L/opt/uring/lib64", "-luring"]
    );

    let mut un = args.clone();
    un[0] = "uninstall".into();
    run_ok(make(&un));
    let left = files_under(&root);
    assert!(left.is_empty(), "left after make uninstall: {left:?}");
}
