//! C exports: helpers
