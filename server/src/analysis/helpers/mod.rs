//! Helpers the rules share, in modules named by their subject. Each helper
//! exists once; a rule's own helpers stay in its file.

pub mod bindings;
pub mod calls;
pub mod compat;
pub mod concurrency;
pub mod definitions;
pub mod edits;
pub mod imports;
pub mod loops;
pub mod statements;
pub mod text;
