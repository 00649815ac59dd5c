// A completion cannot be forged into a driver's ring from safe code: the one
// system call that posts a CQE into a ring by fd is `unsafe`, with the rule in its
// contract (the other way, a MSG_RING SQE, needs the `unsafe` Ring::submit).
use uring::api::owned::Driver;
use uring::sys::io_uring_sqe;

fn main() {
    let driver = Driver::new(4).unwrap();
    let mut sqe = io_uring_sqe::zeroed();
    uring::prep::msg_ring(&mut sqe, driver.ring().fd(), 4096, 1 << 20, 0);
    let _ = uring::register::misc::register_sync_msg(&sqe);
}
