// A completion's output (the buffer) is handed back once: `output` takes the Done.
use uring::api::owned::{ops::Nop, Driver};

fn main() {
    let mut driver = Driver::new(4).unwrap();
    driver.push(Nop, 0).unwrap();
    let done = driver.wait().unwrap();
    let _first = done.output::<Nop>();
    let _second = done.output::<Nop>();
}
