//! Code shared by the two bench targets (`wall.rs`, `instructions.rs`) and, for `gen`, the parity test.
// Each target uses a different part; a bench crate has no public API, so `pub` only means "shared".
#![allow(dead_code, unreachable_pub)]

pub mod gen;
pub mod layout;
pub mod ops;
pub mod profile;
