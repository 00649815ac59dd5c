// Another ring cannot take a copy of a driver's registered buffers from safe code: the
// copy would outlive the pool the driver frees (found by review). Cloning is `unsafe`.
use uring::api::owned::Driver;

fn main() {
    let mut a = Driver::new(4).unwrap();
    let _pool = a.register_buffers(1, 4096).unwrap();
    let b = Driver::new(4).unwrap();
    let _ = uring::register::buffers::clone_buffers(b.ring().as_ring_ref(), a.ring().as_ring_ref());
}
