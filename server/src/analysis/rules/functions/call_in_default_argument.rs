//! `call-in-default-argument`: a default value computed by a call, once, when
//! the `def` runs (not on every call).

use super::prelude::*;

pub struct CallInDefaultArgument;

/// Calls whose results are immutable (or that are the mutable ones another
/// rule reports): calling them once is harmless here.
const SKIP: &[&str] = &[
    "tuple", "frozenset", "int", "float", "complex", "str", "bytes", "bool", "range", "object", "list",
    "dict", "set", "field", "dataclasses.field", "Decimal", "decimal.Decimal", "Fraction",
    "fractions.Fraction", "Path", "pathlib.Path", "PurePath", "re.compile", "compile", "NewType",
    "typing.NewType", "TypeVar", "typing.TypeVar", "datetime.timedelta", "timedelta", "Depends",
    "Query", "Body", "Field", "frozendict", "MappingProxyType", "types.MappingProxyType",
    "operator.itemgetter", "operator.attrgetter", "itemgetter", "attrgetter", "namedtuple",
    "collections.namedtuple", "defaultdict", "collections.defaultdict", "OrderedDict",
    "collections.OrderedDict", "Counter", "collections.Counter", "deque", "collections.deque",
    "datetime.date", "datetime.datetime", "datetime.time", "operator.methodcaller", "methodcaller",
];

impl Rule for CallInDefaultArgument {
    fn id(&self) -> &'static str {
        "call-in-default-argument"
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["default_parameter", "typed_default_parameter"]
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        if !node.up().and_then(|p| p.up()).is_some_and(|f| f.kind_name() == "function_definition") {
            return;
        }
        let Some(value) = node.child_by_field_id(crate::field_id!("value")) else { return };
        if value.kind_name() != "call" {
            return;
        }
        let Some(func) = value.child_by_field_id(crate::field_id!("function")) else { return };
        if !crate::syntax::is_name_or_attribute(func) {
            return;
        }
        let name = cx.text(func);
        if SKIP.contains(&name) {
            return;
        }
        if let Some(q) = crate::analysis::scope::qualified_name(func, cx.src, &cx.module) {
            if SKIP.contains(&q.as_str()) {
                return;
            }
        }
        out.push(Finding::new(self.id(), value.byte_range()));
    }
}
