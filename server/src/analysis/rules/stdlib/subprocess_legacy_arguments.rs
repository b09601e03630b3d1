//! `subprocess-legacy-arguments`: spellings that Python 3.7 made shorter:
//! `universal_newlines=` (now `text=`), `stdout=PIPE, stderr=PIPE` in
//! `run()` (now `capture_output=True`), and
//! `Popen(...).communicate()[0]` (now `run(...).stdout`).

use super::prelude::*;

pub struct SubprocessLegacyArguments;

const FUNCS: &[&str] = &["run", "Popen", "call", "check_call", "check_output"];
const QUALIFIED: &[&str] =
    &["subprocess.run", "subprocess.Popen", "subprocess.call", "subprocess.check_call", "subprocess.check_output"];

impl Rule for SubprocessLegacyArguments {
    fn id(&self) -> &'static str {
        "subprocess-legacy-arguments"
    }
    fn sibling_needles(&self) -> &'static [&'static str] {
        &["universal_newlines", "PIPE", "communicate"]
    }
    fn kinds(&self) -> &'static [&'static str] {
        &["call"]
    }
    fn callees(&self) -> &'static [&'static str] {
        FUNCS
    }
    fn min_python(&self) -> (u8, u8) {
        (3, 7)
    }
    fn scope(&self) -> super::Scope {
        super::Scope::Module
    }
    fn check(&self, node: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(q) = calls::call_target(node, cx, FUNCS, QUALIFIED) else { return };
        let Some(a) = calls::split_args(node, cx) else { return };
        // (b) universal_newlines= -> text=
        if let Some((kw, _)) = a.keyword("universal_newlines") {
            let mut f = Finding::new(self.id(), kw.byte_range());
            if a.keyword("text").is_none() {
                if let Some(name) = kw.child_by_field_id(crate::field_id!("name")) {
                    f = f.with_fix(Fix::safe("text", vec![Edit::replace(name.byte_range(), "text")]));
                }
            }
            out.push(f);
        }
        // (c) run(..., stdout=PIPE, stderr=PIPE) -> capture_output=True
        if q == "subprocess.run" {
            if let (Some((o, ov)), Some((e, ev))) = (a.keyword("stdout"), a.keyword("stderr")) {
                let is_pipe = |v: Node| imports::qualified(v, cx).as_deref() == Some("subprocess.PIPE");
                if is_pipe(ov) && is_pipe(ev) {
                    let mut f = Finding::new(self.id(), node.byte_range());
                    if a.keyword("capture_output").is_none() {
                        let (first, second) = if o.start_byte() < e.start_byte() { (o, e) } else { (e, o) };
                        // Delete the second keyword with the comma before it.
                        let del_start = second.prev_sibling().filter(|p| p.kind_name() == ",").and_then(|c| c.prev_sibling()).map(|p| p.end_byte());
                        if let Some(ds) = del_start {
                            if ds >= first.end_byte() && !syntax::has_comment_in(a.list, first.start_byte()..second.end_byte()) {
                                f = f.with_fix(Fix::safe(
                                    "capture-output",
                                    vec![Edit::replace(first.byte_range(), "capture_output=True"), Edit::delete(ds..second.end_byte())],
                                ));
                            }
                        }
                    }
                    out.push(f);
                }
            }
        }
        // (a) Popen(...).communicate()[0] -> run(...).stdout
        if q == "subprocess.Popen" {
            if let Some(f) = communicate_index(node, cx, self.id()) {
                out.push(f);
            }
        }
    }
}

fn communicate_index(popen: Node, cx: &Context, id: &'static str) -> Option<Finding> {
    let attr = popen.up().filter(|p| p.kind_name() == "attribute")?;
    if attr.child_by_field_id(crate::field_id!("attribute")).is_none_or(|n| cx.text(n) != "communicate") {
        return None;
    }
    let call = attr.up().filter(|c| c.kind_name() == "call")?;
    let sub = call.up().filter(|s| s.kind_name() == "subscript" && s.child_by_field_id(crate::field_id!("value")) == Some(call))?;
    let idx = sub.child_by_field_id(crate::field_id!("subscript"))?;
    let field = match cx.text(idx) {
        "0" => "stdout",
        "1" => "stderr",
        _ => return None,
    };
    let cargs = call.child_by_field_id(crate::field_id!("arguments"))?;
    let mut f = Finding::new(id, sub.byte_range());
    // communicate(input) / communicate(timeout=...) have run() counterparts,
    // but keep the fix to the plain form.
    if cargs.named_child_count() == 0 && !syntax::has_comment_in(sub, sub.byte_range()) {
        let func = popen.child_by_field_id(crate::field_id!("function"))?;
        let run = match func.kind_name() {
            "attribute" => {
                let obj = func.child_by_field_id(crate::field_id!("object"))?;
                Some(format!("{}.run", cx.text(obj)))
            }
            _ => imports::local_expr(cx, popen, "subprocess.run"),
        };
        if let (Some(run), Some(pargs)) = (run, popen.child_by_field_id(crate::field_id!("arguments"))) {
            let new = format!("{run}{}.{field}", cx.text(pargs));
            f = f.with_fix(Fix::unsafe_("run", vec![Edit::replace(sub.byte_range(), new)]));
        }
    }
    Some(f)
}
