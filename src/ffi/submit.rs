//! C exports: submit
