//! C exports: register
