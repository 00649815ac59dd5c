// A completion cannot outlive its ring (its slot would be unmapped).
fn main() {
    let cqe = {
        let mut ring = uring::Ring::new(4).unwrap();
        ring.wait().unwrap()
    };
    println!("{}", cqe.user_data());
}
