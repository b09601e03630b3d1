# Roles of anonymous tokens in tree-sitter-python's grammar.json:
# (token, visible parent kind, field) for every string token of every rule.
import json,sys
g=json.load(open(sys.argv[1])); nt=json.load(open(sys.argv[2]))
kinds={t['type'] for t in nt if t['named']}
rules=g['rules']
hidden=lambda n: n.startswith('_') or n in g['inline'] or n in g['supertypes']
def strip(n):
    while n['type'].startswith('PREC') or n['type'] in('TOKEN','IMMEDIATE_TOKEN'): n=n['content']
    return n
def has_symbol(n):
    n=strip(n)
    if n['type']=='SYMBOL': return True
    return any(has_symbol(m) for m in n.get('members',[])) or ('content' in n and has_symbol(n['content']))
rename={}
def find_alias(n):
    if isinstance(n,dict):
        if n.get('type')=='ALIAS' and n['named'] and n['content'].get('type')=='SYMBOL' and n['content']['name'] not in kinds:
            rename[n['content']['name']]=n['value']
        for v in n.values(): find_alias(v)
    elif isinstance(n,list):
        for v in n: find_alias(v)
find_alias(rules)
roles=set()
import collections
uses=collections.Counter()
def count(n):
    if isinstance(n,dict):
        if n.get('type')=='STRING': uses[n['value']]+=1
        for v in n.values(): count(v)
    elif isinstance(n,list):
        for v in n: count(v)
count(rules)
def walk(node,parent,field,seen):
    node=strip(node) if node['type'] in ('TOKEN','IMMEDIATE_TOKEN') else node
    t=node['type']
    if t=='STRING': roles.add((node['value'],parent,field or ''))
    elif t=='SYMBOL':
        n=node['name']
        if n in g['supertypes']: return  # a choice of node kinds: no tokens of its own
        if hidden(n) and n in rules and n not in seen: walk(rules[n],parent,field,seen|{n})
    elif t=='ALIAS':
        if node['named']:
            if has_symbol(node['content']): walk(node['content'],node['value'],None,set())
        else: roles.add((node['value'],parent,field or ''))
    elif t=='FIELD': walk(node['content'],parent,node['name'],seen)
    elif t in('SEQ','CHOICE'):
        for m in node['members']: walk(m,parent,field,seen)
    elif 'content' in node: walk(node['content'],parent,field,seen)
for n,r in rules.items():
    # A rule that is one string used nowhere else becomes that token: a leaf
    # kind (`ellipsis` is `...`, `true` is `True`), no token children. When
    # the string is shared (`keyword_separator` is `*`) or the rule is
    # `prec.left('pass')`, the token is a child.
    if hidden(n) or r['type'] in ('PATTERN', 'TOKEN', 'IMMEDIATE_TOKEN'): continue
    if r['type'] == 'STRING' and uses[r['value']] == 1: continue
    walk(r,rename.get(n,n),None,{n})
for x in sorted(roles): print('\t'.join(x))
print(len(roles),file=sys.stderr)
