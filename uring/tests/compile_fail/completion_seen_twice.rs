// A completion is consumed at most once: `seen` takes the guard by value.
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    let cqe = ring.wait().unwrap();
    cqe.seen();
    cqe.seen();
}
