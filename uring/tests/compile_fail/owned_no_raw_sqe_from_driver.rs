// The driver gives out no `&mut Ring`, so no raw SQE can be queued behind the table's
// back (the reason submitting is safe on a Driver).
use uring::api::owned::Driver;

fn main() {
    let mut driver = Driver::new(4).unwrap();
    let ring: &mut uring::Ring = driver.ring();
    let _ = ring.get_sqe();
}
