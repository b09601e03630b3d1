// pyexplain addition (see ../PYEXPLAIN.md): one function, no change to
// anything tree-sitter does. Included from lib.c after node.c, whose static
// helpers it uses.

#define PYEXPLAIN_MAX_HIDDEN_DEPTH 64

// The children of `self` that a TSTreeCursor visits (visible or aliased
// nodes, in order; hidden nodes are descended into, as `ts_node_child`
// does), written to `out` (at most `cap` of them). Returns how many there
// are, or UINT32_MAX when hidden nodes nest deeper than
// PYEXPLAIN_MAX_HIDDEN_DEPTH (the caller then uses a cursor). One pass over
// the subtrees: a cursor pays its bookkeeping at every hidden node, which on
// a module of a thousand statements (held by balanced `module_repeat1`
// nodes) costs a hundred times more.
uint32_t ts_node_pyexplain_children(TSNode self, TSNode *out, uint32_t cap) {
  if (!self.id) return 0;
  NodeChildIterator stack[PYEXPLAIN_MAX_HIDDEN_DEPTH];
  uint32_t depth = 0;
  uint32_t count = 0;
  stack[depth++] = ts_node_iterate_children(&self);
  while (depth > 0) {
    TSNode child;
    if (!ts_node_child_iterator_next(&stack[depth - 1], &child)) {
      depth--;
      continue;
    }
    if (ts_node__is_relevant(child, true)) {
      if (count < cap) out[count] = child;
      count++;
    } else if (ts_node__relevant_child_count(child, true) > 0) {
      if (depth == PYEXPLAIN_MAX_HIDDEN_DEPTH) return UINT32_MAX;
      stack[depth++] = ts_node_iterate_children(&child);
    }
  }
  return count;
}

typedef struct {
  NodeChildIterator iterator;
  uint32_t depth;
} PyexplainFrame;

// One node of `ts_node_pyexplain_preorder`'s answer: the node, its depth
// below the subtree's root (the cursor's `depth`) and its kind
// (`ts_node_symbol`, read while the node is in the cache).
typedef struct {
  TSNode node;
  uint32_t depth;
  TSSymbol symbol;
} PyexplainVisit;

// The nodes of `self`'s subtree that a TSTreeCursor visits, `self` first, in
// the cursor's order (depth first), each with its depth below `self`: at most
// `cap` written to `out`. Returns how many there are: all of them
// (`ts_node_descendant_count`), or, with `skip_anonymous_leaves`, all but the
// anonymous nodes without children that are not MISSING (tokens:
// punctuation and keywords; no rule is dispatched on them, and a leaf is
// nobody's ancestor).
// One pass over the subtrees, with a stack on the heap (any depth).
uint32_t ts_node_pyexplain_preorder(TSNode self, PyexplainVisit *out, uint32_t cap, bool skip_anonymous_leaves) {
  if (!self.id) return 0;
  uint32_t count = 0;
  if (count < cap) {
    out[count].node = self;
    out[count].depth = 0;
    out[count].symbol = ts_node_symbol(self);
  }
  count++;
  Array(PyexplainFrame) stack = array_new();
  PyexplainFrame first = {ts_node_iterate_children(&self), 1};
  array_push(&stack, first);
  while (stack.size > 0) {
    PyexplainFrame *frame = array_back(&stack);
    uint32_t depth = frame->depth;
    TSNode child;
    if (!ts_node_child_iterator_next(&frame->iterator, &child)) {
      array_pop(&stack);
      continue;
    }
    if (ts_node__is_relevant(child, true)) {
      Subtree subtree = ts_node__subtree(child);
      bool has_children = ts_subtree_child_count(subtree) > 0;
      if (skip_anonymous_leaves && !has_children && !ts_node_is_named(child) && !ts_subtree_missing(subtree)) continue;
      if (count < cap) {
        out[count].node = child;
        out[count].depth = depth;
        out[count].symbol = ts_node_symbol(child);
      }
      count++;
      if (has_children) {
        PyexplainFrame next = {ts_node_iterate_children(&child), depth + 1};
        array_push(&stack, next);
      }
    } else if (ts_node__relevant_child_count(child, true) > 0) {
      // A hidden node: its children are the cursor's children of the parent.
      PyexplainFrame next = {ts_node_iterate_children(&child), depth};
      array_push(&stack, next);
    }
  }
  array_delete(&stack);
  return count;
}

// Whether `a` and `b` are one subtree: the same node of the syntax, shared
// by an edited copy of a tree or reused by an incremental parse (a node's
// `id` is its slot in its parent, which differs when the parent was
// rebuilt). False for leaves stored inline, which have no identity.
bool ts_node_pyexplain_same_subtree(TSNode a, TSNode b) {
  if (!a.id || !b.id) return false;
  Subtree x = ts_node__subtree(a);
  Subtree y = ts_node__subtree(b);
  if (x.data.is_inline || y.data.is_inline) return false;
  return x.ptr == y.ptr;
}

// The ERROR and MISSING nodes of `self`'s subtree, in the cursor's order
// (nested ones too): at most `cap` written to `out`; returns how many there
// are. Only subtrees with an error are entered, hidden ones included, so a
// module of a thousand statements with one error costs a path to it, where
// a cursor steps through every statement.
uint32_t ts_node_pyexplain_error_nodes(TSNode self, TSNode *out, uint32_t cap) {
  if (!self.id || !ts_node_has_error(self)) return 0;
  uint32_t count = 0;
  if (ts_node_is_error(self) || ts_node_is_missing(self)) {
    if (count < cap) out[count] = self;
    count++;
  }
  Array(NodeChildIterator) stack = array_new();
  array_push(&stack, ts_node_iterate_children(&self));
  while (stack.size > 0) {
    TSNode child;
    if (!ts_node_child_iterator_next(array_back(&stack), &child)) {
      array_pop(&stack);
      continue;
    }
    if (!ts_node_has_error(child)) continue;
    if (ts_node__is_relevant(child, true) && (ts_node_is_error(child) || ts_node_is_missing(child))) {
      if (count < cap) out[count] = child;
      count++;
    }
    if (ts_subtree_child_count(ts_node__subtree(child)) > 0) {
      array_push(&stack, ts_node_iterate_children(&child));
    }
  }
  array_delete(&stack);
  return count;
}

// Whether some node of `self`'s subtree lies `limit` or more levels below
// `self` (the cursor's levels: visible or aliased nodes; hidden ones are
// descended into at their parent's level), i.e. the subtree is taller than
// `limit` nodes. A node whose subtree holds no more nodes than the levels
// left cannot reach that depth and is not entered, so real code costs the
// few large nodes near the top. One pass, a stack on the heap (any depth).
bool ts_node_pyexplain_taller_than(TSNode self, uint32_t limit) {
  if (!self.id) return false;
  if (limit == 0) return true;
  if (ts_node_descendant_count(self) <= limit) return false;
  bool tall = false;
  Array(PyexplainFrame) stack = array_new();
  PyexplainFrame first = {ts_node_iterate_children(&self), 1};
  array_push(&stack, first);
  while (stack.size > 0) {
    PyexplainFrame *frame = array_back(&stack);
    uint32_t depth = frame->depth;
    TSNode child;
    if (!ts_node_child_iterator_next(&frame->iterator, &child)) {
      array_pop(&stack);
      continue;
    }
    if (ts_node__is_relevant(child, true)) {
      if (depth >= limit) {
        tall = true;
        break;
      }
      if (ts_node_descendant_count(child) <= limit - depth) continue;
      PyexplainFrame next = {ts_node_iterate_children(&child), depth + 1};
      array_push(&stack, next);
    } else if (ts_node__relevant_child_count(child, true) > 0) {
      PyexplainFrame next = {ts_node_iterate_children(&child), depth};
      array_push(&stack, next);
    }
  }
  array_delete(&stack);
  return tall;
}
