// The completion half borrows the ring: it cannot be sent to a thread that may outlive it.
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    let (_submitter, mut completions) = ring.split();
    std::thread::spawn(move || {
        let _ = completions.wait();
    });
}
