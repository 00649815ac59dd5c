// One submitter at a time: the submitting half cannot be shared by two threads.
use uring::api::owned::Driver;

fn main() {
    let mut driver = Driver::new(4).unwrap();
    let (submit, _reap) = driver.split();
    let shared = &submit;
    std::thread::scope(|s| {
        s.spawn(move || {
            std::hint::black_box(shared);
        });
    });
}
