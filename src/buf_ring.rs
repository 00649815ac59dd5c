//! buf_ring
