//! `starred-assignment-target`: a starred target that the compiler refuses
//! (measured on 3.8 to 3.13): alone as an assignment's or a `for`'s target
//! (`*rest = items`, `for *x in xs`: "starred assignment target must be in
//! a list or tuple"), or beside another starred target in the same
//! sequence (`a, *b, *c = xs`: "multiple starred expressions in
//! assignment"; 3.8 says "two starred expressions"). One per sequence is
//! allowed, at each level (`*a, (*b, c) = xs`), and `*rest, = items`.
//! A `with … as (*a, *b)` target is an expression to tree-sitter and is
//! not read.

use super::prelude::*;

pub struct StarredAssignmentTarget;

const SEQUENCES: &[&str] = &["pattern_list", "list_pattern", "tuple_pattern"];

impl Rule for StarredAssignmentTarget {
    fn id(&self) -> &'static str {
        "starred-assignment-target"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["list_splat_pattern"]
    }
    fn check(&self, node: Node, _cx: &Context, out: &mut Vec<Finding>) {
        let Some(parent) = node.up() else { return };
        let kind = parent.kind_name();
        if SEQUENCES.contains(&kind) {
            // The second starred target of the sequence (one finding each).
            let stars: Vec<Node> = named_children(parent).into_iter().filter(|c| c.kind_name() == "list_splat_pattern").collect();
            if stars.len() >= 2 && stars[1].id() == node.id() {
                out.push(Finding::new(self.id(), node.byte_range()));
            }
            return;
        }
        // Alone as the whole target: of an assignment, a `for` statement or
        // a comprehension's `for` (a function's `*args` is a parameter).
        // An annotated one (`*a: int = 1`) is refused with another message
        // ("invalid syntax").
        if matches!(kind, "assignment" | "for_statement" | "for_in_clause")
            && parent.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.id() == node.id())
            && parent.child_by_field_id(crate::field_id!("type")).is_none()
        {
            out.push(Finding::new(self.id(), node.byte_range()));
        }
    }
}
