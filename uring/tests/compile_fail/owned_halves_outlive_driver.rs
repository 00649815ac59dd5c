// The reaping half cannot go to a thread that may outlive the driver.
use uring::api::owned::Driver;

fn main() {
    let mut driver = Driver::new(4).unwrap();
    let (_submit, mut reap) = driver.split();
    std::thread::spawn(move || {
        let _ = reap.wait();
    });
}
