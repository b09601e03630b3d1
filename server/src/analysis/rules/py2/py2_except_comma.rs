//! `py2-except-comma`: Python 2's `except E, name:`.

use super::prelude::*;

pub struct Py2ExceptComma;

impl Rule for Py2ExceptComma {
    fn id(&self) -> &'static str {
        "py2-except-comma"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["except_clause"]
    }
    fn check(&self, node: Node, _cx: &Context, out: &mut Vec<Finding>) {
        let mut cursor = node.walk();
        let values: Vec<Node> = node.children_by_field_name("value", &mut cursor).collect();
        if values.len() != 2 || values[1].kind_name() != "identifier" {
            return;
        }
        let (ty, name) = (values[0], values[1]);
        out.push(
            Finding::new(self.id(), ty.start_byte()..name.end_byte()).with_fix(Fix::safe(
                "except-as",
                vec![Edit::replace(ty.end_byte()..name.start_byte(), " as ")],
            )),
        );
    }
}
