//! The self-test through the C library: load a `liburing.so` at run time, the way a C
//! program or another language's FFI would use it, and run a NOP, a file write/read round
//! trip and a socket pair send/recv through its exported functions.
//!
//! # Invariant
//!
//! * **LIB-ABI**: every function pointer here was resolved with `dlsym` from a library
//!   that exports it under liburing's name, and liburing's C prototype for that name is
//!   the pointer's type; the library stays loaded (the handle is never closed) for as long
//!   as the program runs. Calling it is then calling liburing's function: its documented
//!   contract (a live `struct io_uring`, SQEs from `io_uring_get_sqe` on that ring, CQEs
//!   from `io_uring_peek_cqe`) is what each call site argues.

use std::ffi::{c_void, CStr, CString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use uring::ring::io_uring;
use uring::sys::{io_uring_cqe, io_uring_sqe};

use crate::diagnose::errno_name;

/// Environment variable naming the `liburing.so` to test.
pub const LIB_ENV: &str = "URING_LIB";

/// Where the library was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `$URING_LIB`.
    Env,
    /// Next to this executable (`target/release/` for `cargo run --release`).
    NextToExecutable,
    /// The dynamic loader's search path (`liburing.so.2`).
    System,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Env => "URING_LIB",
            Origin::NextToExecutable => "next-to-executable",
            Origin::System => "system",
        }
    }
}

/// The library the self-test ran on.
#[derive(Clone, Debug)]
pub struct LibraryInfo {
    /// The file the loader mapped (from dladdr, symlinks resolved).
    pub path: String,
    pub origin: Origin,
    /// `io_uring_major_version().io_uring_minor_version()`, where exported.
    pub version: Option<String>,
}

/// One check's outcome.
#[derive(Clone, Debug)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// The whole self-test.
#[derive(Clone, Debug, Default)]
pub struct SelfTest {
    /// None: no library could be loaded.
    pub library: Option<LibraryInfo>,
    /// Why no library was loaded, or why checks were not run, with what to do.
    pub note: Option<String>,
    pub checks: Vec<Check>,
}

impl SelfTest {
    /// Every check that ran passed (vacuously true when none ran).
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }
}

type QueueInit = unsafe extern "C" fn(u32, *mut io_uring, u32) -> i32;
type QueueExit = unsafe extern "C" fn(*mut io_uring);
type GetSqe = unsafe extern "C" fn(*mut io_uring) -> *mut io_uring_sqe;
type PrepNop = unsafe extern "C" fn(*mut io_uring_sqe);
type PrepRw = unsafe extern "C" fn(*mut io_uring_sqe, i32, *mut c_void, u32, u64);
type PrepSendRecv = unsafe extern "C" fn(*mut io_uring_sqe, i32, *mut c_void, usize, i32);
type SubmitAndWait = unsafe extern "C" fn(*mut io_uring, u32) -> i32;
type PeekCqe = unsafe extern "C" fn(*mut io_uring, *mut *mut io_uring_cqe) -> i32;
type CqeSeen = unsafe extern "C" fn(*mut io_uring, *mut io_uring_cqe);
type Version = unsafe extern "C" fn() -> i32;

/// The functions the checks call.
struct Api {
    queue_init: QueueInit,
    queue_exit: QueueExit,
    get_sqe: GetSqe,
    prep_nop: PrepNop,
    prep_write: PrepRw,
    prep_read: PrepRw,
    prep_send: PrepSendRecv,
    prep_recv: PrepSendRecv,
    submit_and_wait: SubmitAndWait,
    peek_cqe: PeekCqe,
    cqe_seen: CqeSeen,
}

/// A loaded library (never unloaded: LIB-ABI).
struct Lib(*mut c_void);

impl Lib {
    fn open(path: &str) -> Result<Lib, String> {
        let c = CString::new(path).map_err(|_| format!("{path:?} contains a NUL byte"))?;
        // SAFETY: `c` is a NUL-terminated path; dlopen runs the library's initialisers,
        // which for a liburing.so are none beyond the loader's own relocation.
        let h = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if h.is_null() {
            return Err(dlerror());
        }
        Ok(Lib(h))
    }

    /// The address of `name`, or None where the library does not export it.
    fn symbol(&self, name: &CStr) -> Option<*mut c_void> {
        // SAFETY: `self.0` is a live handle (never closed) and `name` is NUL-terminated.
        let p = unsafe { libc::dlsym(self.0, name.as_ptr()) };
        (!p.is_null()).then_some(p)
    }

    /// The file the loader mapped, found through the address of `sym`.
    fn path_of(&self, sym: *mut c_void) -> Option<String> {
        // SAFETY: Dl_info is plain pointers; all zeroes (NULLs) is a valid value.
        let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
        // SAFETY: dladdr writes one Dl_info into the live local; `sym` is an address
        // inside the loaded library.
        if unsafe { libc::dladdr(sym, &mut info) } == 0 || info.dli_fname.is_null() {
            return None;
        }
        // SAFETY: dladdr set dli_fname to the loader's NUL-terminated path of the
        // object, which lives as long as the object stays loaded (for good here).
        let name = unsafe { CStr::from_ptr(info.dli_fname) }.to_string_lossy().into_owned();
        Some(
            std::fs::canonicalize(&name)
                .map(|p| p.display().to_string())
                .unwrap_or(name),
        )
    }
}

fn dlerror() -> String {
    // SAFETY: dlerror has no preconditions; it returns NULL or a NUL-terminated message.
    let e = unsafe { libc::dlerror() };
    if e.is_null() {
        return "unknown dlopen error".into();
    }
    // SAFETY: a non-NULL dlerror result is a NUL-terminated string, valid until the
    // next dl* call on this thread; it is copied at once.
    unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
}

/// Resolve `name` as a function pointer of type `F`.
///
/// # Safety
/// `F` must be the function pointer type of liburing's prototype for `name` (LIB-ABI).
unsafe fn function<F: Copy>(lib: &Lib, name: &CStr) -> Option<F> {
    const { assert!(std::mem::size_of::<F>() == std::mem::size_of::<*mut c_void>()) };
    let p = lib.symbol(name)?;
    // SAFETY: `F` is a function pointer type (this function's contract) of the same
    // size as the data pointer dlsym returned, which on Linux is a code address.
    Some(unsafe { std::mem::transmute_copy::<*mut c_void, F>(&p) })
}

/// The candidates in order, with their origin: `$URING_LIB` alone when set; otherwise
/// `liburing.so.2` and `liburing.so` next to the executable, then the system's.
pub fn candidates(env: Option<String>, exe_dir: Option<&Path>) -> Vec<(String, Origin)> {
    if let Some(p) = env.filter(|p| !p.is_empty()) {
        return vec![(p, Origin::Env)];
    }
    let mut c: Vec<(String, Origin)> = exe_dir
        .into_iter()
        .flat_map(|d| ["liburing.so.2", "liburing.so"].map(|n| d.join(n)))
        .filter(|p| p.exists())
        .map(|p| (p.display().to_string(), Origin::NextToExecutable))
        .collect();
    c.push(("liburing.so.2".into(), Origin::System));
    c
}

fn exe_dir() -> Option<PathBuf> {
    std::env::current_exe().ok()?.parent().map(Path::to_path_buf)
}

/// How to get this project's library, for the messages.
pub const BUILD_HINT: &str = "build this project's liburing.so with `cargo build --release` at the repository root \
     (it lands in target/release/, next to uring-info), or point URING_LIB at a liburing.so";

/// Find a library, load it and run the checks.
pub fn run() -> SelfTest {
    let env = std::env::var(LIB_ENV).ok();
    let dir = exe_dir();
    run_first_of(candidates(env, dir.as_deref()))
}

/// Load the first of `candidates` that loads (stopping at a failed `$URING_LIB`) and run
/// the checks on it.
fn run_first_of(candidates: Vec<(String, Origin)>) -> SelfTest {
    let mut tried = Vec::new();
    for (path, origin) in candidates {
        match Lib::open(&path) {
            Ok(lib) => return run_on(lib, origin),
            Err(e) => {
                tried.push(format!("{path}: {e}"));
                if origin == Origin::Env {
                    return SelfTest {
                        note: Some(format!("{LIB_ENV}={path} could not be loaded ({e})")),
                        ..SelfTest::default()
                    };
                }
            }
        }
    }
    SelfTest {
        note: Some(format!(
            "no liburing.so found (tried {}); {BUILD_HINT}",
            tried.join("; ")
        )),
        ..SelfTest::default()
    }
}

fn run_on(lib: Lib, origin: Origin) -> SelfTest {
    let init_sym = lib.symbol(c"io_uring_queue_init");
    let path = init_sym
        .and_then(|s| lib.path_of(s))
        .unwrap_or_else(|| "(unknown path)".into());
    // SAFETY: LIB-ABI: `int io_uring_major_version(void)` and `..._minor_version`.
    let major: Option<Version> = unsafe { function(&lib, c"io_uring_major_version") };
    // SAFETY: as above.
    let minor: Option<Version> = unsafe { function(&lib, c"io_uring_minor_version") };
    let version = match (major, minor) {
        (Some(ma), Some(mi)) => {
            // SAFETY: LIB-ABI: the version functions take nothing and return constants.
            let major = unsafe { ma() };
            // SAFETY: as above.
            let minor = unsafe { mi() };
            Some(format!("{major}.{minor}"))
        }
        _ => None,
    };
    let mut test = SelfTest {
        library: Some(LibraryInfo { path, origin, version }),
        ..SelfTest::default()
    };
    match resolve(&lib) {
        Ok(api) => {
            test.checks.push(check("nop", nop(&api)));
            test.checks.push(check("file write/read", file_round_trip(&api)));
            test.checks.push(check("socketpair send/recv", socket_pair(&api)));
        }
        Err(missing) => {
            test.note = Some(format!(
                "this library does not export {} (liburing keeps these static inline in liburing.h; this \
                 project's library exports them): checks not run; {BUILD_HINT}",
                missing.join(", ")
            ));
        }
    }
    test
}

fn check(name: &'static str, r: Result<String, String>) -> Check {
    match r {
        Ok(detail) => Check { name, ok: true, detail },
        Err(detail) => Check {
            name,
            ok: false,
            detail,
        },
    }
}

/// Every function the checks need, or the names of those missing.
fn resolve(lib: &Lib) -> Result<Api, Vec<&'static str>> {
    let mut missing = Vec::new();
    macro_rules! get {
        ($name:literal) => {{
            // SAFETY: LIB-ABI: the field's type below is liburing's prototype of $name.
            let f = unsafe { function(lib, $name) };
            if f.is_none() {
                missing.push($name.to_str().unwrap_or("?"));
            }
            f
        }};
    }
    let api = (
        get!(c"io_uring_queue_init"),
        get!(c"io_uring_queue_exit"),
        get!(c"io_uring_get_sqe"),
        get!(c"io_uring_prep_nop"),
        get!(c"io_uring_prep_write"),
        get!(c"io_uring_prep_read"),
        get!(c"io_uring_prep_send"),
        get!(c"io_uring_prep_recv"),
        get!(c"io_uring_submit_and_wait"),
        get!(c"io_uring_peek_cqe"),
        get!(c"io_uring_cqe_seen"),
    );
    match api {
        (
            Some(queue_init),
            Some(queue_exit),
            Some(get_sqe),
            Some(prep_nop),
            Some(prep_write),
            Some(prep_read),
            Some(prep_send),
            Some(prep_recv),
            Some(submit_and_wait),
            Some(peek_cqe),
            Some(cqe_seen),
        ) => Ok(Api {
            queue_init,
            queue_exit,
            get_sqe,
            prep_nop,
            prep_write,
            prep_read,
            prep_send,
            prep_recv,
            submit_and_wait,
            peek_cqe,
            cqe_seen,
        }),
        _ => Err(missing),
    }
}

/// A `struct io_uring` for the library, with room to spare should its layout be an
/// older, smaller one or a newer, larger one (it is liburing 2.15's, exactly, for ours).
#[repr(C)]
struct RingMem {
    ring: io_uring,
    spare: [u64; 64],
}

/// A ring set up through the library, torn down through it when dropped.
struct CRing<'a> {
    api: &'a Api,
    mem: Box<RingMem>,
}

impl<'a> CRing<'a> {
    fn new(api: &'a Api, entries: u32) -> Result<CRing<'a>, String> {
        let mut mem = Box::new(RingMem {
            ring: io_uring::zeroed(),
            spare: [0; 64],
        });
        // SAFETY: LIB-ABI: `io_uring_queue_init(entries, ring, flags)` with a live,
        // writable struct io_uring (with spare room after it).
        let r = unsafe { (api.queue_init)(entries, &mut mem.ring, 0) };
        if r < 0 {
            return Err(format!("io_uring_queue_init({entries}) = {}", errno_str(r)));
        }
        Ok(CRing { api, mem })
    }

    fn ring(&mut self) -> *mut io_uring {
        &mut self.mem.ring
    }

    /// A fresh SQE with `user_data`, prepared by `prep`.
    fn sqe(&mut self, user_data: u64, prep: impl FnOnce(*mut io_uring_sqe)) -> Result<(), String> {
        // SAFETY: LIB-ABI: `io_uring_get_sqe(ring)` on the ring this CRing set up.
        let sqe = unsafe { (self.api.get_sqe)(self.ring()) };
        if sqe.is_null() {
            return Err("io_uring_get_sqe returned NULL on an empty ring".into());
        }
        prep(sqe);
        // SAFETY: LIB-ABI: io_uring_get_sqe returned a valid SQE of this ring, ours to
        // fill until it is submitted.
        unsafe { (*sqe).user_data = user_data };
        Ok(())
    }

    /// Submit and wait for `n` completions; returns (user_data, res) of each.
    fn submit_and_reap(&mut self, n: u32) -> Result<Vec<(u64, i32)>, String> {
        // SAFETY: LIB-ABI: `io_uring_submit_and_wait(ring, wait_nr)`; every buffer the
        // prepared SQEs name outlives this call, which waits for their completions.
        let r = unsafe { (self.api.submit_and_wait)(self.ring(), n) };
        if r < 0 {
            return Err(format!("io_uring_submit_and_wait = {}", errno_str(r)));
        }
        let mut done = Vec::new();
        for _ in 0..n {
            let mut cqe: *mut io_uring_cqe = std::ptr::null_mut();
            // SAFETY: LIB-ABI: `io_uring_peek_cqe(ring, &cqe)` writes one pointer.
            let r = unsafe { (self.api.peek_cqe)(self.ring(), &mut cqe) };
            if r < 0 || cqe.is_null() {
                return Err(format!(
                    "io_uring_peek_cqe = {} after {} of {n} completions",
                    errno_str(r),
                    done.len()
                ));
            }
            // SAFETY: LIB-ABI: a CQE from io_uring_peek_cqe is readable until seen (the
            // ring has 16-byte CQEs: no CQE32).
            let c = unsafe { cqe.read() };
            let (user_data, res) = (c.user_data, c.res);
            // SAFETY: LIB-ABI: `io_uring_cqe_seen(ring, cqe)` with the CQE just peeked.
            unsafe { (self.api.cqe_seen)(self.ring(), cqe) };
            done.push((user_data, res));
        }
        Ok(done)
    }
}

impl Drop for CRing<'_> {
    fn drop(&mut self) {
        // SAFETY: LIB-ABI: `io_uring_queue_exit(ring)` on the ring queue_init set up,
        // once.
        unsafe { (self.api.queue_exit)(self.ring()) };
    }
}

/// "-EPERM (-1)" for a negative return.
fn errno_str(r: i32) -> String {
    if r < 0 {
        format!("-{} ({r})", errno_name(-r))
    } else {
        r.to_string()
    }
}

fn nop(api: &Api) -> Result<String, String> {
    let mut ring = CRing::new(api, 8)?;
    const TAG: u64 = 0x6e6f70;
    ring.sqe(TAG, |sqe| {
        // SAFETY: LIB-ABI: `io_uring_prep_nop(sqe)` on an SQE from io_uring_get_sqe.
        unsafe { (api.prep_nop)(sqe) }
    })?;
    match ring.submit_and_reap(1)?.as_slice() {
        [(TAG, 0)] => Ok("completed with res 0 and its user_data".into()),
        other => Err(format!("expected [(user_data {TAG:#x}, res 0)], got {other:?}")),
    }
}

fn file_round_trip(api: &Api) -> Result<String, String> {
    let dir = crate::system::temp_dir().map_err(|e| format!("temporary directory: {e}"))?;
    let r = file_round_trip_in(api, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    r
}

fn file_round_trip_in(api: &Api, dir: &Path) -> Result<String, String> {
    const LEN: usize = 64 * 1024;
    let path = dir.join("data");
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| format!("create {}: {e}", path.display()))?;
    let fd = file.as_raw_fd();
    let mut pattern: Vec<u8> = (0..LEN).map(|i| (i * 7 + i / 251) as u8).collect();
    let mut back = vec![0u8; LEN];
    let mut ring = CRing::new(api, 8)?;
    ring.sqe(1, |sqe| {
        // SAFETY: LIB-ABI: `io_uring_prep_write(sqe, fd, buf, nbytes, offset)`; `pattern`
        // holds LEN bytes and outlives the completion (reaped below).
        unsafe { (api.prep_write)(sqe, fd, pattern.as_mut_ptr().cast(), LEN as u32, 0) }
    })?;
    match ring.submit_and_reap(1)?.as_slice() {
        [(1, n)] if *n == LEN as i32 => {}
        other => return Err(format!("write: expected [(1, {LEN})], got {other:?}")),
    }
    let on_disk = std::fs::read(&path).map_err(|e| format!("read back {}: {e}", path.display()))?;
    if on_disk != pattern {
        return Err("the file's contents differ from what was written".into());
    }
    ring.sqe(2, |sqe| {
        // SAFETY: LIB-ABI: `io_uring_prep_read(sqe, fd, buf, nbytes, offset)`; `back`
        // holds LEN writable bytes and outlives the completion (reaped below).
        unsafe { (api.prep_read)(sqe, fd, back.as_mut_ptr().cast(), LEN as u32, 0) }
    })?;
    match ring.submit_and_reap(1)?.as_slice() {
        [(2, n)] if *n == LEN as i32 => {}
        other => return Err(format!("read: expected [(2, {LEN})], got {other:?}")),
    }
    if back != pattern {
        return Err("the bytes read differ from those written".into());
    }
    Ok(format!(
        "{} KiB written and read back, equal (also on disk)",
        LEN / 1024
    ))
}

fn socket_pair(api: &Api) -> Result<String, String> {
    let mut sv = [0i32; 2];
    // SAFETY: socketpair writes two fds into the live local array.
    if unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            sv.as_mut_ptr(),
        )
    } != 0
    {
        return Err(format!("socketpair: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: a fresh fd owned by nothing else.
    let a = unsafe { OwnedFd::from_raw_fd(sv[0]) };
    // SAFETY: as above, the other end.
    let b = unsafe { OwnedFd::from_raw_fd(sv[1]) };
    let mut msg = *b"uring-info self-test over a socket pair";
    let mut got = [0u8; 64];
    let mut ring = CRing::new(api, 8)?;
    ring.sqe(1, |sqe| {
        // SAFETY: LIB-ABI: `io_uring_prep_send(sqe, fd, buf, len, flags)`; `msg` outlives
        // the completion (reaped below).
        unsafe { (api.prep_send)(sqe, a.as_raw_fd(), msg.as_mut_ptr().cast(), msg.len(), 0) }
    })?;
    ring.sqe(2, |sqe| {
        // SAFETY: LIB-ABI: `io_uring_prep_recv(sqe, fd, buf, len, flags)`; `got` is
        // writable for its length and outlives the completion (reaped below).
        unsafe { (api.prep_recv)(sqe, b.as_raw_fd(), got.as_mut_ptr().cast(), got.len(), 0) }
    })?;
    let mut done = ring.submit_and_reap(2)?;
    done.sort_unstable();
    let n = msg.len() as i32;
    if done != [(1, n), (2, n)] {
        return Err(format!("expected [(1, {n}), (2, {n})], got {done:?}"));
    }
    if got[..msg.len()] != msg {
        return Err("the bytes received differ from those sent".into());
    }
    Ok(format!("{n} bytes sent and received, equal"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_library_says_how_to_build_one() {
        let t = run_first_of(vec![("liburing-that-does-not-exist.so.2".into(), Origin::System)]);
        assert!(t.library.is_none() && t.checks.is_empty(), "{t:?}");
        let note = t.note.expect("a note");
        assert!(
            note.starts_with("no liburing.so found (tried liburing-that-does-not-exist.so.2: "),
            "{note}"
        );
        assert!(note.contains("cargo build --release"), "{note}");
    }

    #[test]
    fn candidates_in_order() {
        let c = candidates(Some("/x/liburing.so".into()), Some(Path::new("/nonexistent")));
        assert_eq!(c, vec![("/x/liburing.so".to_string(), Origin::Env)]);
        let c = candidates(None, Some(Path::new("/nonexistent")));
        assert_eq!(c, vec![("liburing.so.2".to_string(), Origin::System)]);
        let dir = crate::system::temp_dir().expect("temp dir");
        std::fs::write(dir.join("liburing.so"), b"").expect("write");
        let c = candidates(Some(String::new()), Some(&dir));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(c.len(), 2, "{c:?}");
        assert_eq!(c[0].1, Origin::NextToExecutable);
        assert!(c[0].0.ends_with("/liburing.so"), "{c:?}");
        assert_eq!(c[1].1, Origin::System);
    }
}
