//! Buffers the kernel may use while an operation is in flight: [`IoBuf`] (read by the
//! kernel) and [`IoBufMut`] (written by the kernel), and [`Slice`], a window on one.

use core::ops::{Bound, RangeBounds};
use std::prelude::rust_2021::*;

/// A buffer whose bytes the kernel may **read** while an operation owns it.
///
/// # Safety
/// Implementors promise that [`IoBuf::stable_ptr`] points to [`IoBuf::bytes_init`]
/// initialised bytes that stay valid and **do not move** while the value is moved
/// around (heap memory, or `'static` data), until the value is dropped or mutated
/// through `&mut self`. The safe layer moves the buffer into the operation, so nothing
/// can mutate or drop it before the kernel is done.
pub unsafe trait IoBuf: Send + 'static {
    /// Start of the bytes.
    fn stable_ptr(&self) -> *const u8;
    /// How many bytes from [`IoBuf::stable_ptr`] are initialised (what a write sends).
    fn bytes_init(&self) -> usize;
    /// Total capacity from [`IoBuf::stable_ptr`] (what a read may fill).
    fn bytes_total(&self) -> usize;

    /// A window `range` of the initialised bytes, owning the buffer (clamped to
    /// [`IoBuf::bytes_init`]; an empty window if `range` starts past it). Give it back
    /// with [`Slice::into_inner`].
    ///
    /// ```
    /// use uring::api::owned::IoBuf;
    /// let window = b"hello world".to_vec().slice(6..);
    /// assert_eq!(&*window, b"world");
    /// assert_eq!(window.into_inner().len(), 11);
    /// ```
    fn slice(self, range: impl RangeBounds<usize>) -> Slice<Self>
    where
        Self: Sized,
    {
        let init = self.bytes_init();
        let begin = match range.start_bound() {
            Bound::Included(&n) => n,
            Bound::Excluded(&n) => n.saturating_add(1),
            Bound::Unbounded => 0,
        }
        .min(init);
        let end = match range.end_bound() {
            Bound::Included(&n) => n.saturating_add(1),
            Bound::Excluded(&n) => n,
            Bound::Unbounded => init,
        }
        .clamp(begin, init);
        Slice { buf: self, begin, end }
    }
}

/// A buffer the kernel may **write** while an operation owns it.
///
/// A read fills the buffer from its start, up to [`IoBuf::bytes_total`] bytes, then
/// calls [`IoBufMut::set_init`] with the count. For a `Vec<u8>` that means: reads go
/// into its *capacity*, and its length grows to cover what was read (it never shrinks:
/// use the returned count). `Vec::with_capacity(n)` is the idiom, as in tokio-uring.
///
/// # Safety
/// As for [`IoBuf`], and [`IoBufMut::stable_mut_ptr`] must be valid for writes of
/// [`IoBuf::bytes_total`] bytes that nothing else reads or writes while the operation
/// owns the buffer.
pub unsafe trait IoBufMut: IoBuf {
    /// Start of the writable bytes.
    fn stable_mut_ptr(&mut self) -> *mut u8;
    /// The kernel wrote the first `n` bytes.
    ///
    /// # Safety
    /// The first `n <= bytes_total()` bytes must be initialised.
    unsafe fn set_init(&mut self, n: usize);
}

// SAFETY: a Vec's heap block does not move when the Vec is moved; `len` bytes are
// initialised and `capacity` bytes are allocated.
unsafe impl IoBuf for Vec<u8> {
    fn stable_ptr(&self) -> *const u8 {
        self.as_ptr()
    }
    fn bytes_init(&self) -> usize {
        self.len()
    }
    fn bytes_total(&self) -> usize {
        self.capacity()
    }
}

// SAFETY: the Vec's whole capacity is writable and owned by it.
unsafe impl IoBufMut for Vec<u8> {
    fn stable_mut_ptr(&mut self) -> *mut u8 {
        self.as_mut_ptr()
    }
    unsafe fn set_init(&mut self, n: usize) {
        if n > self.len() {
            // SAFETY: this method's contract: the first `n <= capacity` bytes are
            // initialised.
            unsafe { self.set_len(n) };
        }
    }
}

// SAFETY: a boxed slice's heap block does not move with the box; all of it is
// initialised.
unsafe impl IoBuf for Box<[u8]> {
    fn stable_ptr(&self) -> *const u8 {
        self.as_ptr()
    }
    fn bytes_init(&self) -> usize {
        self.len()
    }
    fn bytes_total(&self) -> usize {
        self.len()
    }
}

// SAFETY: the whole boxed slice is writable and owned by it.
unsafe impl IoBufMut for Box<[u8]> {
    fn stable_mut_ptr(&mut self) -> *mut u8 {
        self.as_mut_ptr()
    }
    unsafe fn set_init(&mut self, _n: usize) {}
}

// SAFETY: `'static` data never moves or goes away; the kernel only reads it.
unsafe impl IoBuf for &'static [u8] {
    fn stable_ptr(&self) -> *const u8 {
        self.as_ptr()
    }
    fn bytes_init(&self) -> usize {
        self.len()
    }
    fn bytes_total(&self) -> usize {
        self.len()
    }
}

// SAFETY: as for `&'static [u8]`.
unsafe impl IoBuf for &'static str {
    fn stable_ptr(&self) -> *const u8 {
        self.as_ptr()
    }
    fn bytes_init(&self) -> usize {
        self.len()
    }
    fn bytes_total(&self) -> usize {
        self.len()
    }
}

// SAFETY: a String's heap block does not move with it; it is read only.
unsafe impl IoBuf for String {
    fn stable_ptr(&self) -> *const u8 {
        self.as_ptr()
    }
    fn bytes_init(&self) -> usize {
        self.len()
    }
    fn bytes_total(&self) -> usize {
        self.len()
    }
}

/// A window `[begin, end)` on an owned buffer (see [`IoBuf::slice`]). The kernel reads
/// (or writes) only the window; [`Slice::into_inner`] gives the whole buffer back.
#[derive(Debug)]
pub struct Slice<B> {
    buf: B,
    begin: usize,
    end: usize,
}

impl<B: IoBuf> Slice<B> {
    /// The whole buffer.
    pub fn into_inner(self) -> B {
        self.buf
    }
    /// Where the window starts in the buffer.
    pub fn begin(&self) -> usize {
        self.begin
    }
    /// Where the window ends in the buffer.
    pub fn end(&self) -> usize {
        self.end
    }
}

impl<B: IoBuf> core::ops::Deref for Slice<B> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        let start = self.buf.stable_ptr().wrapping_add(self.begin);
        // SAFETY: IoBuf's contract: `bytes_init` bytes from `stable_ptr` are initialised
        // and valid; `begin <= end <= bytes_init` (clamped in `IoBuf::slice`), and the
        // buffer is not in flight while `&self` is held (operations own it by value).
        unsafe { core::slice::from_raw_parts(start, self.end - self.begin) }
    }
}

// SAFETY: the window lies inside the inner buffer's initialised bytes, which IoBuf's
// contract keeps valid and in place.
unsafe impl<B: IoBuf> IoBuf for Slice<B> {
    fn stable_ptr(&self) -> *const u8 {
        self.buf.stable_ptr().wrapping_add(self.begin)
    }
    fn bytes_init(&self) -> usize {
        self.end - self.begin
    }
    fn bytes_total(&self) -> usize {
        self.end - self.begin
    }
}
