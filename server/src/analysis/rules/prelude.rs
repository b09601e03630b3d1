//! The `use` lines every rule shares: `use super::prelude::*;` at the top of
//! a rule file brings the rule trait, the finding types, the syntax helpers
//! and the helper modules (`calls::…`, `bindings::…`) into scope.

#![allow(unused_imports)]

pub(crate) use super::{Rule, Scope};
pub(crate) use crate::analysis::helpers::{bindings, calls, compat, concurrency, definitions, edits, imports, loops, statements};
pub(crate) use crate::analysis::{scope, Context, Edit, Finding, Fix};
pub(crate) use crate::knowledge::Applicability;
pub(crate) use crate::syntax::{self, children, named_children, NodeExt};
pub(crate) use std::collections::HashSet;
pub(crate) use tree_sitter::Node;
