// The submission half is unique: it cannot be cloned into a second submitter.
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    let (submitter, _completions) = ring.split();
    let _second = submitter.clone();
}
