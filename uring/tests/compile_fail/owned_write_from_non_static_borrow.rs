// A shared borrow is accepted only for `'static` data: a local Vec could be dropped
// while the kernel still reads it.
use uring::api::owned::{ops::Write, Driver};

fn main() {
    let mut driver = Driver::new(4).unwrap();
    let file = std::fs::File::create("/tmp/uring-compile-fail").unwrap();
    let data = vec![1u8, 2, 3];
    let _ = driver.push(Write::new(&file, &data[..], 0), 0);
    drop(data);
}
