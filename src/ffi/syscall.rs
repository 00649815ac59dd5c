//! C exports: syscall
