// A ring cannot be copied (two copies would tear the same mappings down twice).
fn assert_copy<T: Copy>() {}

fn main() {
    assert_copy::<uring::Ring>();
}
