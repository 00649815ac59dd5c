// A ring cannot be cloned either.
fn main() {
    let ring = uring::Ring::new(4).unwrap();
    let _second = ring.clone();
}
