// The C-layout ring struct is not Copy either: a copy would be a second owner of the
// same mappings and submission indices.
fn assert_copy<T: Copy>() {}

fn main() {
    assert_copy::<uring::ring::io_uring>();
}
