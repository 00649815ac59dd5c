// While a completion is held, the ring cannot be reaped again (the head would move
// under the guard).
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    let first = ring.wait().unwrap();
    let second = ring.wait().unwrap();
    println!("{} {}", first.user_data(), second.user_data());
}
