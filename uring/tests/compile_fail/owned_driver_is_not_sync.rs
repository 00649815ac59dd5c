// The driver is not Sync: two threads cannot reach one ring through `&Driver`.
use uring::api::owned::Driver;

fn assert_sync<T: Sync>(_: &T) {}

fn main() {
    let driver = Driver::new(4).unwrap();
    assert_sync(&driver);
}
