// A completion guard cannot be duplicated to consume the same CQE twice.
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    let cqe = ring.wait().unwrap();
    let copy = cqe;
    drop(copy);
    drop(cqe);
}
