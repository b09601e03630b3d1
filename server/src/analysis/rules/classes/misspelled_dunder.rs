//! `misspelled-dunder`: a method named like a special method but spelled
//! slightly wrong (`__intit__`, `__mull__`), which Python never calls; or an
//! attribute access to such a name (`super().__intit__()`).

use crate::analysis::helpers::definitions::class_of_method;
use super::prelude::*;

pub struct MisspelledDunder;

/// Special method names Python (3.12+) and the standard library look up.
const METHODS: &[&str] = &[
    "__new__", "__init__", "__del__", "__repr__", "__str__", "__bytes__", "__format__", "__lt__", "__le__", "__eq__",
    "__ne__", "__gt__", "__ge__", "__hash__", "__bool__", "__getattr__", "__getattribute__", "__setattr__",
    "__delattr__", "__dir__", "__get__", "__set__", "__delete__", "__set_name__", "__init_subclass__",
    "__mro_entries__", "__prepare__", "__instancecheck__", "__subclasscheck__", "__subclasshook__",
    "__class_getitem__", "__call__", "__len__", "__length_hint__", "__getitem__", "__setitem__", "__delitem__",
    "__missing__", "__iter__", "__next__", "__reversed__", "__contains__", "__add__", "__sub__", "__mul__",
    "__matmul__", "__truediv__", "__floordiv__", "__mod__", "__divmod__", "__pow__", "__lshift__", "__rshift__",
    "__and__", "__xor__", "__or__", "__radd__", "__rsub__", "__rmul__", "__rmatmul__", "__rtruediv__",
    "__rfloordiv__", "__rmod__", "__rdivmod__", "__rpow__", "__rlshift__", "__rrshift__", "__rand__", "__rxor__",
    "__ror__", "__iadd__", "__isub__", "__imul__", "__imatmul__", "__itruediv__", "__ifloordiv__", "__imod__",
    "__ipow__", "__ilshift__", "__irshift__", "__iand__", "__ixor__", "__ior__", "__neg__", "__pos__", "__abs__",
    "__invert__", "__complex__", "__int__", "__float__", "__index__", "__round__", "__trunc__", "__floor__",
    "__ceil__", "__enter__", "__exit__", "__aenter__", "__aexit__", "__await__", "__aiter__", "__anext__",
    "__buffer__", "__release_buffer__", "__copy__", "__deepcopy__", "__replace__", "__reduce__", "__reduce_ex__",
    "__getstate__", "__setstate__", "__getnewargs__", "__getnewargs_ex__", "__sizeof__", "__fspath__",
    "__post_init__", "__subclasses__", "__instancecheck__", "__annotate__",
];

/// Other names that are known and must never be reported: special
/// attributes, Python 2 protocol names, and well-known library protocols.
const OTHER: &[&str] = &[
    "__dict__", "__doc__", "__name__", "__qualname__", "__module__", "__slots__", "__wrapped__", "__self__",
    "__func__", "__code__", "__globals__", "__defaults__", "__kwdefaults__", "__closure__", "__bases__",
    "__base__", "__mro__", "__class__", "__file__", "__path__", "__spec__", "__loader__", "__package__",
    "__builtins__", "__cached__", "__traceback__", "__cause__", "__context__", "__suppress_context__",
    "__notes__", "__type_params__", "__orig_bases__", "__orig_class__", "__parameters__", "__args__",
    "__origin__", "__total__", "__required_keys__", "__optional_keys__", "__abstractmethods__",
    "__isabstractmethod__", "__debug__", "__dataclass_fields__", "__dataclass_params__", "__weakref__",
    "__signature__", "__text_signature__", "__match_args__", "__firstlineno__", "__static_attributes__",
    "__main__", "__future__", "__all__", "__version__", "__author__", "__annotations__", "__members__",
    "__objclass__", "__test__", "__metaclass__", "__nonzero__", "__unicode__", "__div__", "__rdiv__", "__idiv__",
    "__cmp__", "__rcmp__", "__coerce__", "__getslice__", "__setslice__", "__delslice__", "__long__", "__oct__",
    "__hex__", "__getinitargs__", "__methods__", "__conform__", "__html__", "__json__", "__array__",
    "__init__", "__import__", "__reduce_ex__", "__self_class__", "__thisclass__", "__credits__", "__date__",
    "__copyright__", "__license__", "__status__", "__email__", "__contact__", "__about__", "__flags__",
    "__bound__", "__constraints__", "__covariant__", "__contravariant__", "__infer_variance__", "__default__",
    "__value__", "__basicsize__", "__itemsize__", "__dictoffset__", "__weakrefoffset__", "__abc_tpflags__",
    "__forward_arg__", "__unpacked__", "__typing_subst__", "__classcell__", "__locals__", "__adapt__",
    "__inv__", "__not__", "__concat__", "__iconcat__", "__tuple_params__", "__union_params__", "__extra__",
];

fn is_dunder_like(name: &str) -> bool {
    name.len() > 4
        && name.starts_with("__")
        && name.ends_with("__")
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name[2..name.len() - 2].chars().any(|c| c.is_ascii_alphanumeric())
}

fn is_known(name: &str) -> bool {
    // Asked for every dunder of the file on every keystroke: a set, not a
    // scan of the two lists.
    type Set = std::collections::HashSet<&'static str, std::hash::BuildHasherDefault<Fnv>>;
    static KNOWN: std::sync::OnceLock<Set> = std::sync::OnceLock::new();
    KNOWN.get_or_init(|| METHODS.iter().chain(OTHER.iter()).copied().collect()).contains(name)
}

/// FNV-1a: short names, no untrusted keys to defend against (the set is
/// fixed), and cheaper than the default hasher for each dunder of the file.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

fn core(name: &str) -> &str {
    name.trim_matches('_')
}

/// Whether `name` is within reach of a known name, remembered per thread:
/// the same unknown dunders (`__origin__`, `__args__`) recur file after file.
fn is_near_known(name: &str) -> bool {
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<String, bool>> = std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(hit) = SEEN.with(|s| s.borrow().get(name).copied()) {
        return hit;
    }
    let near = !closest(name, METHODS.iter().chain(OTHER.iter())).is_empty();
    SEEN.with(|s| {
        let mut s = s.borrow_mut();
        if s.len() < 10_000 {
            s.insert(name.to_string(), near);
        }
    });
    near
}

/// The known names closest to `name` within the allowed distance (one edit
/// for short names, two for longer ones).
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a &'a str>) -> Vec<&'a str> {
    let c = core(name);
    let mut best = usize::MAX;
    let mut out: Vec<&str> = Vec::new();
    let lower = c.to_ascii_lowercase();
    for cand in candidates {
        let k = core(cand);
        let limit = if c.len().min(k.len()) <= 4 { 1 } else { 2 };
        // An edit distance is at least the difference in length.
        if c.len().abs_diff(k.len()) > limit && name.len().abs_diff(cand.len()) > limit {
            continue;
        }
        let d = osa_distance(&lower, k, limit).min(osa_distance(name, cand, limit)).min(osa_distance(c, k, limit));
        if d > limit || name == *cand {
            continue;
        }
        if d < best {
            best = d;
            out.clear();
        }
        if d == best && !out.contains(cand) {
            out.push(cand);
        }
    }
    out
}

/// Whether the name is defined or named anywhere in the file, other than by
/// attribute reads: `def name`, `name =`, or in a string.
fn defined_in_file(name: &str, src: &str) -> bool {
    src.contains(&format!("def {name}"))
        || src.contains(&format!("{name} ="))
        || src.contains(&format!("{name}="))
        || src.contains(&format!("'{name}'"))
        || src.contains(&format!("\"{name}\""))
}

impl Rule for MisspelledDunder {
    fn id(&self) -> &'static str {
        "misspelled-dunder"
    }
    fn kinds(&self) -> &'static [&'static str] {
        // Whether a name is used or defined elsewhere in the file decides, so
        // the rule runs from the module node (revisited after every edit). It
        // finds candidates by scanning the text for unknown `__x__` names
        // close to a known one, and only then looks at the tree there.
        &["module"]
    }
    fn scope(&self) -> Scope {
        Scope::Module
    }
    fn check(&self, root: Node, cx: &Context, out: &mut Vec<Finding>) {
        let src = cx.src;
        for run in candidates(src) {
            let Some(id) = root.descendant_for_byte_range(run.start, run.end).filter(|n| n.kind_name() == "identifier") else { continue };
            let Some(parent) = id.up() else { continue };
            match parent.kind_name() {
                "function_definition" if parent.child_by_field_id(crate::field_id!("name")) == Some(id) => {
                    self.check_def(parent, cx, out)
                }
                "attribute" if parent.child_by_field_id(crate::field_id!("attribute")) == Some(id) => {
                    self.check_attribute(parent, cx, out)
                }
                _ => {}
            }
        }
    }
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The candidates of `text`, offset by `at`: each maximal run of
/// identifier bytes (ASCII letters, digits, `_`) that holds `__` and is an
/// unknown dunder-like name within reach of a known one, in order.
fn scan_candidates(text: &[u8], at: usize, out: &mut Vec<std::ops::Range<usize>>) {
    let mut next_from = 0;
    for i in memchr::memmem::find_iter(text, b"__") {
        if i < next_from {
            continue;
        }
        let mut start = i;
        while start > 0 && is_ident(text[start - 1]) {
            start -= 1;
        }
        let mut end = i;
        while end < text.len() && is_ident(text[end]) {
            end += 1;
        }
        next_from = end;
        // ASCII bytes after a non-identifier byte or the start: a str.
        let name = std::str::from_utf8(&text[start..end]).unwrap_or_default();
        if is_dunder_like(name) && !is_known(name) && is_near_known(name) {
            out.push(at + start..at + end);
        }
    }
}

/// Texts at least this long keep their candidates for the next call.
const KEEP_SCAN: usize = 32 * 1024;

/// `scan_candidates` of `src`. Each candidate is decided by the bytes from
/// the one before its run to the one after it: for a long text the last
/// answer is kept (with its text: one, for whichever thread checks next),
/// and after a keystroke only the text between the common prefix and
/// suffix of the two texts is scanned again (every `__` of a 10,000-line
/// file was 1.5M instructions per keystroke). Debug builds compare with a
/// full scan.
fn candidates(src: &str) -> Vec<std::ops::Range<usize>> {
    struct Kept {
        text: String,
        found: Vec<std::ops::Range<usize>>,
    }
    static KEPT: std::sync::Mutex<Option<Kept>> = std::sync::Mutex::new(None);
    let new = src.as_bytes();
    let full = || {
        let mut out = Vec::new();
        scan_candidates(new, 0, &mut out);
        out
    };
    if new.len() < KEEP_SCAN {
        return full();
    }
    // Another thread holds it (another document): scan in full.
    let Ok(mut k) = KEPT.try_lock() else { return full() };
    let found = match k.as_ref() {
        Some(kept) => {
            let old = kept.text.as_bytes();
            let p = crate::analysis::helpers::text::common_prefix(old, new);
            let s = crate::analysis::helpers::text::common_suffix(&old[p..], &new[p..]);
            // Rescan from the start of the run that the change may join
            // to the end of the one it may join after it.
            let mut a = p;
            while a > 0 && is_ident(new[a - 1]) {
                a -= 1;
            }
            let mut b = new.len() - s;
            while b < new.len() && is_ident(new[b]) {
                b += 1;
            }
            let b_old = b + old.len() - new.len();
            let mut out: Vec<std::ops::Range<usize>> = kept.found.iter().take_while(|r| r.end <= a).cloned().collect();
            scan_candidates(&new[a..b], a, &mut out);
            let first_after = kept.found.partition_point(|r| r.start < b_old);
            out.extend(kept.found[first_after..].iter().map(|r| r.start + b - b_old..r.end + b - b_old));
            out
        }
        None => full(),
    };
    debug_assert_eq!(found, full(), "candidates kept across an edit differ from a full scan");
    match k.as_mut() {
        Some(kept) => {
            kept.text.clear();
            kept.text.push_str(src);
            kept.found.clone_from(&found);
        }
        None => *k = Some(Kept { text: src.to_string(), found: found.clone() }),
    }
    found
}

impl MisspelledDunder {
    fn check_def(&self, def: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(name_node) = def.child_by_field_id(crate::field_id!("name")) else { return };
        let name = cx.text(name_node);
        if !is_dunder_like(name) || is_known(name) {
            return;
        }
        let Some(class) = class_of_method(def) else { return };
        let best = closest(name, METHODS.iter());
        if best.is_empty() {
            return;
        }
        // A name used elsewhere in the file (called, looked up by string) is
        // more likely a deliberate private protocol than a typo.
        if bindings::used_besides_defs(cx.src, name) {
            return;
        }
        let mut f = Finding::new(self.id(), name_node.byte_range());
        // Rename only when one name is closest and the class does not define
        // it already.
        if let [target] = best[..] {
            let body_defines = class.child_by_field_id(crate::field_id!("body")).is_some_and(|b| {
                named_children(b).into_iter().any(|s| {
                    let d = if s.kind_name() == "decorated_definition" { s.child_by_field_id(crate::field_id!("definition")) } else { Some(s) };
                    d.and_then(|d| d.child_by_field_id(crate::field_id!("name"))).is_some_and(|n| cx.text(n) == target)
                })
            });
            if !body_defines {
                f = f.with_fix(Fix::new("rename", Applicability::Unsafe, vec![Edit::replace(name_node.byte_range(), target)]));
            }
        }
        out.push(f);
    }

    fn check_attribute(&self, attr: Node, cx: &Context, out: &mut Vec<Finding>) {
        let Some(name_node) = attr.child_by_field_id(crate::field_id!("attribute")) else { return };
        let name = cx.text(name_node);
        if !is_dunder_like(name) || is_known(name) {
            return;
        }
        // Being assigned to defines the name.
        if let Some(p) = attr.up() {
            if matches!(p.kind_name(), "assignment" | "augmented_assignment")
                && p.child_by_field_id(crate::field_id!("left")).is_some_and(|l| l.byte_range().contains(&attr.start_byte()))
            {
                return;
            }
        }
        // Only accesses through `self`, `cls` or `super()`: other objects may
        // follow a protocol of their own library.
        let Some(obj) = attr.child_by_field_id(crate::field_id!("object")) else { return };
        let through_self = match obj.kind_name() {
            "identifier" => matches!(cx.text(obj), "self" | "cls"),
            "call" => obj.child_by_field_id(crate::field_id!("function")).is_some_and(|f| f.kind_name() == "identifier" && cx.text(f) == "super"),
            _ => false,
        };
        if !through_self || defined_in_file(name, cx.src) {
            return;
        }
        let best = closest(name, METHODS.iter().chain(OTHER.iter()));
        if best.is_empty() {
            return;
        }
        let mut f = Finding::new(self.id(), name_node.byte_range());
        if let [target] = best[..] {
            f = f.with_fix(Fix::new("rename", Applicability::Unsafe, vec![Edit::replace(name_node.byte_range(), target)]));
        }
        out.push(f);
    }
}

/// Optimal string alignment distance (Levenshtein plus adjacent
/// transpositions) when it is at most `limit`; above it, some number above
/// `limit`. Asked for every known name near a candidate's length: bytes when
/// both are ASCII (dunders are), three rows of one buffer (a vector per row
/// was most of the rule's cost), and only the cells within `limit` of the
/// diagonal: a path of cost at most `limit` never leaves them (each step off
/// the diagonal costs one), and a cell outside counts as above the limit.
fn osa_distance(a: &str, b: &str, limit: usize) -> usize {
    if a.is_ascii() && b.is_ascii() {
        return osa(a.as_bytes(), b.as_bytes(), limit);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    osa(&a, &b, limit)
}

/// `osa_distance` over any symbols: the table's rows `i - 2`, `i - 1` and
/// `i` kept in turn in one buffer, each computed within the band.
fn osa<T: PartialEq>(a: &[T], b: &[T], limit: usize) -> usize {
    let (n, m) = (a.len(), b.len());
    let over = limit + 1;
    // The distance is at least the difference in length.
    if n.abs_diff(m) > limit {
        return over;
    }
    let w = m + 1;
    let mut rows = vec![over; 3 * w];
    for (j, cell) in rows[w..2 * w].iter_mut().enumerate().take(limit + 1) {
        // Row 0 (as row `i - 1` for i = 1), within the band.
        *cell = j;
    }
    for i in 1..=n {
        // Row `i` goes where row `i - 3` was: slot `(i + 1) % 3`, with row 0
        // at slot 1.
        let (cur, prev, prev2) = (((i + 1) % 3) * w, (i % 3) * w, ((i + 2) % 3) * w);
        rows[cur..cur + w].fill(over);
        if i <= limit {
            rows[cur] = i;
        }
        let (lo, hi) = (i.saturating_sub(limit).max(1), (i + limit).min(m));
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (rows[prev + j] + 1).min(rows[cur + j - 1] + 1).min(rows[prev + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[prev2 + j - 2] + 1);
            }
            rows[cur + j] = v.min(over);
        }
    }
    rows[((n + 1) % 3) * w + m]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full table of the distance, as it was first written.
    fn osa_by_table(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let (n, m) = (a.len(), b.len());
        let mut d = vec![vec![0usize; m + 1]; n + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for j in 0..=m {
            d[0][j] = j;
        }
        for i in 1..=n {
            for j in 1..=m {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[n][m]
    }

    /// The banded distance equals the full table's wherever that is within
    /// the limit and is above the limit elsewhere, for limits 0 to 3, on the
    /// known names against each other and against misspellings of them
    /// (swaps, drops, doublings, case, non-ASCII letters, empty strings).
    #[test]
    fn osa_distance_equals_the_full_table() {
        let names: Vec<&str> = METHODS.iter().chain(OTHER.iter()).copied().collect();
        let mut words: Vec<String> = vec![String::new(), "_".into(), "ab".into(), "ba".into(), "__ïnit__".into(), "__inít__".into(), "ça".into()];
        for n in names.iter().take(60) {
            let b = n.as_bytes();
            words.push(n.to_string());
            words.push(n.to_ascii_uppercase());
            for i in 0..b.len() {
                let mut drop = b.to_vec();
                drop.remove(i);
                words.push(String::from_utf8(drop).unwrap());
                if i + 1 < b.len() {
                    let mut swap = b.to_vec();
                    swap.swap(i, i + 1);
                    words.push(String::from_utf8(swap).unwrap());
                }
                let mut double = b.to_vec();
                double.insert(i, b[i]);
                words.push(String::from_utf8(double).unwrap());
            }
        }
        let (mut checked, mut near) = (0, 0);
        for (k, w) in words.iter().enumerate() {
            for n in names.iter().skip(k % 7).step_by(7) {
                for limit in 0..4 {
                    for (x, y) in [(w.as_str(), *n), (*n, w.as_str())] {
                        let (got, want) = (osa_distance(x, y, limit), osa_by_table(x, y));
                        assert!(if want <= limit { got == want } else { got > limit }, "{x:?} {y:?} limit {limit}: {got} for {want}");
                        near += usize::from(want <= limit && want > 0);
                    }
                }
                checked += 1;
            }
            assert_eq!(osa_distance(w, w, 0), 0);
        }
        assert!(checked > 10_000 && near > 100, "{checked} pairs, {near} within a limit");
    }

    /// The candidates kept from the last text, updated after an edit, equal
    /// a full scan of the new text: random one- to three-byte edits of a
    /// long text full of identifiers and `__` (misspelled or not), which
    /// join, split, make and unmake runs and candidates, at the start, the
    /// end and anywhere.
    #[test]
    fn kept_scan_equals_a_full_scan_after_edits() {
        let words = ["__init__", "x", "__", "_", "self.__intit__", "a_b", " ", "\n", "é", "(", "__mro__ ", "def __a__():", "__mull__", "__inti__"];
        let mut seed: u64 = 0x5EED_D0_0DE5;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut text = String::new();
        while text.len() < KEEP_SCAN + 4096 {
            text.push_str(words[next(words.len())]);
        }
        let full = |t: &str| {
            let mut out = Vec::new();
            scan_candidates(t.as_bytes(), 0, &mut out);
            out
        };
        assert!(full(&text).len() > 10, "too few candidates to test");
        assert_eq!(candidates(&text), full(&text));
        for step in 0..400 {
            let at = match step % 5 {
                0 => 0,
                1 => text.len(),
                _ => next(text.len() + 1),
            };
            let mut at = at;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + next(4)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let ins = ["_", "__", "a", " ", "", "é", "x__y", "t", "l"][next(9)];
            text.replace_range(at..end, ins);
            assert_eq!(candidates(&text), full(&text), "step {step}");
        }
    }
}
