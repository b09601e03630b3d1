//! A time budget and a cancellation flag for one analysis run, polled by the
//! shared rule walk (`rules::walk`) every few hundred nodes. The server sets
//! them around a diagnostics run or a request; the CLI sets none. Once the
//! budget is spent or the run cancelled, the walk stops: the run returns the
//! findings found so far, and `run` says that it did (and which rule was the
//! last to run), so the caller can log it and not keep the partial result.
//!
//! Per thread: an analysis run is synchronous on one thread.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Nodes walked between two looks at the clock and the flag.
const EVERY: u32 = 256;

/// Why a run stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Past the deadline; the rule dispatched last before it was noticed.
    Budget { last_rule: &'static str },
    /// The caller set the cancellation flag (a newer edit, `$/cancelRequest`).
    Cancelled,
}

#[derive(Default)]
struct State {
    deadline: Option<Instant>,
    cancel: Option<Arc<AtomicBool>>,
    stop: Option<Stop>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<u32> = const { Cell::new(0) };
    static LAST_RULE: Cell<&'static str> = const { Cell::new("") };
}

/// Run `f` under a deadline and a cancellation flag; `Some(stop)` when the
/// walk stopped early (the result is then partial).
pub fn run<T>(deadline: Option<Instant>, cancel: Option<Arc<AtomicBool>>, f: impl FnOnce() -> T) -> (T, Option<Stop>) {
    let prev = STATE.with(|s| std::mem::replace(&mut *s.borrow_mut(), State { deadline, cancel, stop: None }));
    let was_active = ACTIVE.with(|a| a.replace(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    ACTIVE.with(|a| a.set(was_active));
    let mine = STATE.with(|s| std::mem::replace(&mut *s.borrow_mut(), prev));
    match out {
        Ok(v) => (v, mine.stop),
        Err(p) => std::panic::resume_unwind(p),
    }
}

/// Note the rule about to run (for the log line of an overrun).
#[inline]
pub(crate) fn rule(id: &'static str) {
    if ACTIVE.with(|a| a.get()) {
        LAST_RULE.with(|l| l.set(id));
    }
}

/// Called once per walked node: true when the run must stop.
#[inline]
pub(crate) fn exhausted() -> bool {
    if !ACTIVE.with(|a| a.get()) {
        return false;
    }
    let n = COUNT.with(|c| {
        let n = c.get().wrapping_add(1);
        c.set(n);
        n
    });
    if !n.is_multiple_of(EVERY) {
        return STATE.with(|s| s.borrow().stop.is_some());
    }
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if s.stop.is_none() {
            if s.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
                s.stop = Some(Stop::Cancelled);
            } else if s.deadline.is_some_and(|d| Instant::now() >= d) {
                s.stop = Some(Stop::Budget { last_rule: LAST_RULE.with(|l| l.get()) });
            }
        }
        s.stop.is_some()
    })
}
