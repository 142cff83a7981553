#!/usr/bin/env python3
"""Import cycles between Rust modules: builds the graph of `crate::`/`super::` paths (comments ignored) between
sibling modules at every folder level and prints each strongly connected component (a cycle) with the references
that make it.

    scripts/module-cycles.py guard/src      # or src; exit 0 and "cycles: 0" when there are none, 1 otherwise
"""
import os, re, sys
from collections import defaultdict
root = sys.argv[1] if len(sys.argv) > 1 else 'guard/src'

def modpath(f):
    rel = os.path.relpath(f, root)[:-3].split('/')
    if rel[-1] in ('mod', 'lib', 'main'):
        rel = rel[:-1]
    return rel

files = []
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.rs'):
            files.append(os.path.join(d, f))

def strip(text):
    # drop comments (doc and line) crudely
    return re.sub(r'//[^\n]*', '', text)

refs = defaultdict(set)  # module path tuple -> set of referenced module paths tuples
for f in files:
    me = tuple(modpath(f))
    text = strip(open(f).read())
    # expand use crate::{a, b::c}
    for m in re.finditer(r'crate::\{([^}]*)\}', text):
        for part in m.group(1).split(','):
            p = part.strip().split('::')
            if p[0]:
                refs[me].add(tuple(x for x in p if re.match(r'^[a-z_][a-z0-9_]*$', x)))
    for m in re.finditer(r'crate::((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)', text):
        refs[me].add(tuple(m.group(1).split('::')))
    # super:: paths relative to me (file module). For a mod.rs, me is the folder.
    for m in re.finditer(r'\b((?:super::)+)((?:[a-z_][a-z0-9_]*::)*[a-z_][a-z0-9_]*)', text):
        ups = m.group(1).count('super::')
        base = list(me)[:len(me) - ups] if ups <= len(me) else []
        refs[me].add(tuple(base + m.group(2).split('::')))

def scc(nodes, edges):
    index = {}; low = {}; st = []; on = set(); out = []; i = [0]
    sys.setrecursionlimit(10000)
    def go(v):
        index[v] = low[v] = i[0]; i[0] += 1; st.append(v); on.add(v)
        for w in edges[v]:
            if w not in index:
                go(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = st.pop(); on.discard(w); comp.append(w)
                if w == v: break
            out.append(comp)
    for v in nodes:
        if v not in index: go(v)
    return [c for c in out if len(c) > 1]

def level(prefix):
    """Graph between the children of module `prefix`."""
    n = len(prefix)
    kids = set()
    for m in refs:
        if tuple(m[:n]) == prefix and len(m) > n:
            kids.add(m[n])
    edges = defaultdict(set); why = defaultdict(list)
    for m, rs in refs.items():
        if tuple(m[:n]) != prefix or len(m) <= n: continue
        a = m[n]
        for r in rs:
            if tuple(r[:n]) == prefix and len(r) > n and r[n] in kids and r[n] != a:
                edges[a].add(r[n]); why[(a, r[n])].append('/'.join(m) + ' -> ' + '::'.join(r))
    return kids, edges, why

bad = 0
folders = {()} | {tuple(m[:k]) for m in refs for k in range(1, len(m))}
for prefix in sorted(folders):
    kids, edges, why = level(prefix)
    for comp in scc(sorted(kids), edges):
        bad += 1
        print('CYCLE in', '::'.join(('crate',) + prefix), ':', sorted(comp))
        cs = set(comp)
        for (a, b), ws in sorted(why.items()):
            if a in cs and b in cs:
                print('   ', a, '->', b, ':', ws[0], f'(+{len(ws)-1})' if len(ws) > 1 else '')
if '-v' in sys.argv:
    kids, edges, why = level(())
    for a in sorted(edges):
        print(a, '->', ' '.join(sorted(edges[a])))
print('cycles:', bad)
sys.exit(1 if bad else 0)
