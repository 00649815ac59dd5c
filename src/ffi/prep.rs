//! C exports: prep
