//! C exports: version
