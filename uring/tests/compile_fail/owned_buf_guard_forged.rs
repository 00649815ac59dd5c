// A buffer-ring guard comes only from a completion: it cannot be made up, or the same
// buffer could be read while the kernel writes it.
use uring::api::owned::{BufGuard, Driver};

fn main() {
    let mut driver = Driver::new(4).unwrap();
    let ring = driver.register_buf_ring(0, 4, 64).unwrap();
    let _guard = BufGuard { ring, bid: 0, offset: 0, len: 64 };
}
