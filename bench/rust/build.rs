//! Sets `have_register` when our crate has `uring::register::buffers::register_buffers`
//! and `uring::register::files::register_files` (they were being written when this
//! benchmark was), so that the read_fixed rows report "n/a" instead of failing to build.
use std::fs;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(have_register)");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../uring/src/register/");
    for f in ["buffers.rs", "files.rs"] {
        println!("cargo:rerun-if-changed={root}{f}");
    }
    let buffers = fs::read_to_string(format!("{root}buffers.rs")).unwrap_or_default();
    let files = fs::read_to_string(format!("{root}files.rs")).unwrap_or_default();
    if buffers.contains("pub unsafe fn register_buffers(") && files.contains("pub fn register_files(") {
        println!("cargo:rustc-cfg=have_register");
    }
}
