// Moving the CQ head is unsafe in the core: only code that has read that many published
// CQEs may do it (a safe call could move the head past the tail).
fn main() {
    let mut ring = uring::Ring::new(4).unwrap();
    // SAFETY: this is the only completion side of the ring.
    let mut side = unsafe { uring::ring::CompletionSide::new(ring.as_ring_ref()) };
    side.cq_advance(3);
    let _ = &mut ring;
}
