// A registered buffer has one owner: cloning it would let two operations (or an
// operation and safe code) use the same memory at once.
use uring::api::owned::Driver;

fn main() {
    let mut driver = Driver::new(4).unwrap();
    let pool = driver.register_buffers(1, 4096).unwrap();
    let buf = pool.take().unwrap();
    let _twin = buf.clone();
}
