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
// nobody's ancestor). With `leaf_kinds` too (a bit per symbol, `leaf_words`
// words), a named leaf that is not MISSING nor ERROR is left out unless its
// symbol's bit is set (identifiers, numbers, string parts: kinds no rule
// wants).
// One pass over the subtrees, with a stack on the heap (any depth).
uint32_t ts_node_pyexplain_preorder(TSNode self, PyexplainVisit *out, uint32_t cap, bool skip_anonymous_leaves, const uint64_t *leaf_kinds, uint32_t leaf_words) {
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
      TSSymbol symbol = 0;
      bool symbol_read = false;
      if (skip_anonymous_leaves && !has_children && !ts_subtree_missing(subtree)) {
        if (!ts_node_is_named(child)) continue;
        if (leaf_kinds) {
          symbol = ts_node_symbol(child);
          symbol_read = true;
          if (symbol != ts_builtin_sym_error &&
              (symbol / 64 >= leaf_words || !((leaf_kinds[symbol / 64] >> (symbol % 64)) & 1))) continue;
        }
      }
      if (count < cap) {
        out[count].node = child;
        out[count].depth = depth;
        out[count].symbol = symbol_read ? symbol : ts_node_symbol(child);
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
// are. Only subtrees with an error (or that are one) are entered, hidden
// ones included, so a module of a thousand statements with one error costs
// a path to it, where a cursor steps through every statement.
uint32_t ts_node_pyexplain_error_nodes(TSNode self, TSNode *out, uint32_t cap) {
  if (!self.id || (!ts_node_has_error(self) && !ts_node_is_error(self))) return 0;
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
    // An ERROR leaf inside an ERROR node (`UNEXPECTED '$'`) carries no
    // error cost of its own: `has_error` is false there.
    if (!ts_node_has_error(child) && !ts_node_is_error(child)) continue;
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

// One side of `ts_node_pyexplain_children_diff`: the iterators from the
// root down to the current item, and the item (a child the cursor visits,
// or a hidden node holding some, not yet entered).
typedef struct {
  NodeChildIterator stack[PYEXPLAIN_MAX_HIDDEN_DEPTH];
  uint32_t depth;
  TSNode head;
  bool has_head;
} PyexplainDiffSide;

static void pyexplain_diff_next(PyexplainDiffSide *s) {
  while (s->depth > 0) {
    TSNode child;
    if (!ts_node_child_iterator_next(&s->stack[s->depth - 1], &child)) {
      s->depth--;
      continue;
    }
    if (ts_node__is_relevant(child, true) || ts_node__relevant_child_count(child, true) > 0) {
      s->head = child;
      s->has_head = true;
      return;
    }
  }
  s->has_head = false;
}

// Enter the hidden head; false when hidden nodes nest too deep.
static bool pyexplain_diff_enter(PyexplainDiffSide *s) {
  if (s->depth == PYEXPLAIN_MAX_HIDDEN_DEPTH) return false;
  s->stack[s->depth++] = ts_node_iterate_children(&s->head);
  pyexplain_diff_next(s);
  return true;
}

static bool pyexplain_diff_push(TSNode node, TSNode *out, uint32_t cap, uint32_t *len) {
  if (*len == cap) return false;
  out[(*len)++] = node;
  return true;
}

// The children of `old_root` and of `new_root` (as `ts_node_pyexplain_children`
// gives them) but those that both have, in order, at one offset: one
// subtree at the same start (reused by the reparse). The two lists are
// walked together, each as a cursor would; a hidden node that both have at
// one start is stepped over whole, without reading the children under it
// (a module's statements sit under balanced hidden `module_repeat1` nodes,
// which a reparse reuses but for those on the path to an edit). Where the
// heads differ, they advance as a merge by start does: both at one start,
// else the earlier, so the pairs left out are exactly those such a merge of
// the two full lists meets as heads and finds to be one subtree. Writes at
// most `old_cap` and `new_cap` nodes; returns false (lists unusable) when a
// list is longer or hidden nodes nest deeper than
// PYEXPLAIN_MAX_HIDDEN_DEPTH.
bool ts_node_pyexplain_children_diff(TSNode old_root, TSNode new_root, TSNode *old_out, uint32_t old_cap, uint32_t *old_len,
                                     TSNode *new_out, uint32_t new_cap, uint32_t *new_len) {
  *old_len = 0;
  *new_len = 0;
  if (!old_root.id || !new_root.id) return false;
  PyexplainDiffSide o, n;
  o.depth = 0;
  n.depth = 0;
  o.stack[o.depth++] = ts_node_iterate_children(&old_root);
  n.stack[n.depth++] = ts_node_iterate_children(&new_root);
  pyexplain_diff_next(&o);
  pyexplain_diff_next(&n);
  while (o.has_head || n.has_head) {
    if (o.has_head && n.has_head) {
      uint32_t os = ts_node_start_byte(o.head), ns = ts_node_start_byte(n.head);
      if (os == ns && ts_node_end_byte(o.head) > os && ts_node_pyexplain_same_subtree(o.head, n.head)) {
        pyexplain_diff_next(&o);
        pyexplain_diff_next(&n);
        continue;
      }
    }
    bool o_hidden = o.has_head && !ts_node__is_relevant(o.head, true);
    bool n_hidden = n.has_head && !ts_node__is_relevant(n.head, true);
    if (o_hidden || n_hidden) {
      if (o_hidden && !pyexplain_diff_enter(&o)) return false;
      if (n_hidden && !pyexplain_diff_enter(&n)) return false;
      continue;
    }
    if (o.has_head && n.has_head && ts_node_start_byte(o.head) == ts_node_start_byte(n.head)) {
      if (!pyexplain_diff_push(o.head, old_out, old_cap, old_len)) return false;
      if (!pyexplain_diff_push(n.head, new_out, new_cap, new_len)) return false;
      pyexplain_diff_next(&o);
      pyexplain_diff_next(&n);
    } else if (o.has_head && (!n.has_head || ts_node_start_byte(o.head) < ts_node_start_byte(n.head))) {
      if (!pyexplain_diff_push(o.head, old_out, old_cap, old_len)) return false;
      pyexplain_diff_next(&o);
    } else {
      if (!pyexplain_diff_push(n.head, new_out, new_cap, new_len)) return false;
      pyexplain_diff_next(&n);
    }
  }
  return true;
}
