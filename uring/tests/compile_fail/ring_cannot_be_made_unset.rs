// Safe code cannot make a ring that was never set up.
fn main() {
    let _zeroed: uring::Ring = Default::default();
}
