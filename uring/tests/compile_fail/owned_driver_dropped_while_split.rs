// The halves borrow the driver: it cannot be dropped (cancelling and freeing what is in
// flight) while a half may still push or reap.
use uring::api::owned::{ops::Nop, Driver};

fn main() {
    let mut driver = Driver::new(4).unwrap();
    let (mut submit, _reap) = driver.split();
    drop(driver);
    let _ = submit.push(Nop, 0);
}
