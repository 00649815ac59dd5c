// Shared by the tests that need a system package (Debian's liburing-dev as the
// reference, valgrind, qemu-utils): `include!("support/prerequisites.rs")`.
//
// On a developer machine a missing package is a skip with the reason. In CI (the `CI`
// environment variable set and not "0"/"false"; .ci/run sets it and installs every
// package) it is a failure, so a test can never skip silently on a machine that was
// meant to run it.

/// Whether a missing prerequisite fails the test instead of skipping it.
#[allow(dead_code)]
fn prerequisites_required() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// Report a missing prerequisite: panics in CI, otherwise prints `SKIP: <why>`.
#[allow(dead_code)]
fn missing_prerequisite(why: &str) {
    assert!(
        !prerequisites_required(),
        "{why}\n(CI is set, so a missing prerequisite fails: install what .ci/run installs)"
    );
    println!("SKIP: {why}");
}
