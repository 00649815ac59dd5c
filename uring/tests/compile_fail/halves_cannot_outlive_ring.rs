// The completion half borrows the ring: it cannot go to a thread that may outlive it
// (std::thread::spawn needs 'static; scoped threads are the way to share the halves).
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    let (_submitter, mut completions) = ring.split();
    std::thread::spawn(move || {
        let _ = completions.wait();
    });
}
