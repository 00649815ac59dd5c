// The split completion half hands out one guard at a time: a second one while the first
// lives would let the head move under the first.
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    let (_submitter, mut completions) = ring.split();
    let first = completions.wait().unwrap();
    let second = completions.wait().unwrap();
    println!("{} {}", first.user_data(), second.user_data());
}
