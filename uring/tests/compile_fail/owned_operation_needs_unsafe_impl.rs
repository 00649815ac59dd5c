// Operation is an unsafe trait: writing addresses into an SQE is a promise that safe
// code cannot make.
use uring::api::owned::Operation;
use uring::api::Cqe;
use uring::sys::io_uring_sqe;

struct Peek(u64);

impl Operation for Peek {
    type Output = ();
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        sqe.addr.addr = self.0;
    }
    fn complete(self, _cqe: &Cqe) {}
}

fn main() {}
