//! C exports: buf_ring
