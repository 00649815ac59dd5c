// The copied contents of a completion carry no power to consume anything.
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    let cqe = ring.wait().unwrap().cqe();
    cqe.seen();
}
