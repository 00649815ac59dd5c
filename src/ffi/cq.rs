//! C exports: cq
