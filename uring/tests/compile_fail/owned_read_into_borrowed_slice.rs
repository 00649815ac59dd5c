// The safe layer only takes buffers it can own: a borrowed `&mut [u8]` could be freed or
// reused while the kernel still writes into it.
use uring::api::owned::{ops::Read, Driver};

fn main() {
    let mut driver = Driver::new(4).unwrap();
    let mut stack = [0u8; 64];
    let file = std::fs::File::open("Cargo.toml").unwrap();
    let _ = driver.push(Read::new(&file, &mut stack[..], 0), 0);
}
