// An SQE reference cannot be kept across submit (the kernel may be reading the slot).
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    let sqe = ring.get_sqe().unwrap();
    uring::prep::nop(sqe);
    unsafe { ring.submit().unwrap() };
    sqe.user_data = 7;
}
