// Nor build one from parts.
use uring::ring::io_uring;

fn main() {
    let _ring = uring::Ring {
        raw: core::cell::UnsafeCell::new(io_uring::zeroed()),
        params: Default::default(),
    };
}
