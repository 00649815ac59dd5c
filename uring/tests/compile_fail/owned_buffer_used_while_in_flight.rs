// The buffer moves into the operation: it cannot be touched until the completion hands
// it back.
use uring::api::owned::{ops::Read, Driver};

fn main() {
    let mut driver = Driver::new(4).unwrap();
    let file = std::fs::File::open("Cargo.toml").unwrap();
    let buf = Vec::with_capacity(64);
    driver.push(Read::new(&file, buf, 0), 0).unwrap();
    println!("{}", buf.len());
}
