//! C exports: probe
