//! C exports: setup
