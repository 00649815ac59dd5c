//! Misuse of the safe API that must not compile: consuming a completion twice, keeping a
//! completion or an SQE across an operation that invalidates it, copying or forging a
//! ring, and duplicating the submission half; and, for the safe layer (`owned_*.rs`),
//! lending it borrowed buffers, touching a buffer in flight, dropping or sharing the
//! driver under its halves, forging guards, cloning registered buffers, and
//! implementing `Operation` without `unsafe`. Each case's expected compiler error is in
//! the `.stderr` file beside it (regenerate with `TRYBUILD=overwrite` after a toolchain
//! change, and review the diff: every case must fail for the reason its comment says).

#[test]
fn misuse_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/compile_fail/*.rs");
}
