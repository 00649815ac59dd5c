// A ring cannot be split twice while the first halves live.
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    let (_s1, _c1) = ring.split();
    let (_s2, _c2) = ring.split();
    drop(_s1);
}
