// A batch iterator consumes its CQEs when dropped: no wait may run while it lives.
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    let mut batch = ring.completions();
    let waited = ring.wait().unwrap();
    let _ = batch.next();
    waited.seen();
}
