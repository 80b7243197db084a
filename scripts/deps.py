#!/usr/bin/env python3
"""Checks the shape of tahrid's source tree (CI runs it; issue 14).

    python3 scripts/deps.py [ROOT] [--graph]

1. No import cycle among the files of `src/`: file A depends on file B when A names an item
   defined in B (a `use` path or a qualified `crate::`/`super::`/`self::` path, resolved through
   `pub use` re-exports to the file that defines the item). `mod x;` declarations, comments,
   doc links and test code (`tests.rs` files, `#[cfg(test)] mod tests { .. }`) do not count.
2. No stage imports a later stage. The order is the pipeline's (see `src/lib.rs`):
   utilities, normalize, lexicon, matcher, context, classify, report, model, error, tagger,
   batch.
3. No file over 500 lines unless its first lines say why (a `//!` line with `Length:`).

Prints the module graph with --graph. Exits 1 when a rule is broken. Standard library only.
"""
import os
import re
import sys

ORDER = [
    ("script", "toml_path"),
    ("normalize",),
    ("lexicon",),
    ("matcher",),
    ("context",),
    ("classify",),
    ("report",),
    ("model",),
    ("error",),
    ("tagger",),
    ("batch",),
]
LAYER = {m: i for i, group in enumerate(ORDER) for m in group}
MAX_LINES = 500
# A char literal (`'x'`, `'\\n'`, `'\\u{200b}'`), not a lifetime.
CHAR_LITERAL = re.compile(r"'(\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'")


def module_of(rel):
    """src/x/y.rs -> ('x', 'y'); src/x/mod.rs -> ('x',); src/lib.rs -> ()."""
    parts = rel[len("src/"):-len(".rs")].split("/")
    if parts == ["lib"]:
        return ()
    if parts[-1] == "mod":
        parts = parts[:-1]
    return tuple(parts)


def strip(code):
    """Removes comments, string and char literals (keeping line structure) and test modules."""
    out, i, n = [], 0, len(code)
    while i < n:
        c = code[i]
        if code.startswith("//", i):
            j = code.find("\n", i)
            i = n if j < 0 else j
        elif code.startswith("/*", i):
            j = code.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * code.count("\n", i, j))
            i = j
        elif c == "r" and re.match(r'r#*"', code[i:i + 10]) and (i == 0 or not (code[i - 1].isalnum() or code[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', code[i:]).group(1)
            end = code.find('"' + hashes, i + 2 + len(hashes))
            end = n if end < 0 else end + 1 + len(hashes)
            out.append('""' + "\n" * code.count("\n", i, end))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and code[j] != '"':
                j += 2 if code[j] == "\\" else 1
            out.append('""' + "\n" * code.count("\n", i, j))
            i = j + 1
        elif c == "'" and (lit := CHAR_LITERAL.match(code, i)):
            out.append("' '")
            i = lit.end()
        else:
            out.append(c)
            i += 1
    text = "".join(out)
    # Drop `#[cfg(test)] mod name { ... }` blocks.
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{", text)
        if not m:
            break
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        text = text[:m.start()] + "\n" * text.count("\n", m.start(), j) + text[j:]
    return text


def use_trees(text):
    """Yields (is_pub_reexport, [segments...]) for every path of every `use` item."""
    for m in re.finditer(r"\b(pub(\s*\([^)]*\))?\s+)?use\s+([^;]+);", text):
        reexport = m.group(1) is not None
        tree = re.sub(r"\s+as\s+\w+", "", m.group(3))
        for path in expand(re.sub(r"\s+", "", tree)):
            yield reexport, path


def expand(tree):
    """`a::{b, c::{d, e}}` -> [[a, b], [a, c, d], [a, c, e]]; `as` renames are dropped."""
    depth, start, parts = 0, 0, []
    # split top-level commas
    for i, ch in enumerate(tree):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(tree[start:i])
            start = i + 1
    parts.append(tree[start:])
    out = []
    for p in parts:
        if not p:
            continue
        k = p.find("{")
        if k >= 0:
            prefix = [s for s in p[:k].split("::") if s]
            for rest in expand(p[k + 1:p.rfind("}")]):
                out.append(prefix + rest)
        else:
            out.append([s for s in p.split("::") if s])
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = args[0] if args else os.path.join(os.path.dirname(__file__), "..")
    show = "--graph" in sys.argv
    files = {}
    for d, _, names in os.walk(os.path.join(root, "src")):
        for name in names:
            if name.endswith(".rs"):
                path = os.path.join(d, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                files[rel] = open(path, encoding="utf-8").read()
    if "src/lib.rs" not in files:
        sys.exit(f"deps: no src/lib.rs under {os.path.abspath(root)}")
    mods = {module_of(rel): rel for rel in files}
    stripped = {rel: strip(code) for rel, code in files.items()}

    # Re-exports: module -> name -> absolute target path.
    def absolute(mod, segs):
        if not segs:
            return None
        head = segs[0]
        if head == "crate":
            return tuple(segs[1:])
        if head == "self":
            return mod + tuple(segs[1:])
        if head == "super":
            base = mod
            while segs and segs[0] == "super":
                base = base[:-1]
                segs = segs[1:]
            return base + tuple(segs)
        if mod + (head,) in mods:  # a child module, named without `self::`
            return mod + tuple(segs)
        if (head,) in mods and mod == ():
            return tuple(segs)
        return None  # an external crate or a local item

    reexports = {}
    for rel, text in stripped.items():
        mod = module_of(rel)
        for pub, segs in use_trees(text):
            if pub and segs and segs[-1] not in ("*", "self"):
                target = absolute(mod, segs)
                if target:
                    reexports.setdefault(mod, {})[segs[-1]] = target

    def resolve(path, seen=0):
        """Absolute path -> the file that defines its item."""
        for k in range(len(path), -1, -1):
            prefix = path[:k]
            if prefix in mods:
                rest = path[k:]
                if rest and rest[0] in reexports.get(prefix, {}) and seen < 16:
                    target = reexports[prefix][rest[0]] + tuple(rest[1:])
                    if target != path:
                        return resolve(target, seen + 1)
                return mods[prefix]
        return None

    edges = {rel: set() for rel in files}
    for rel, text in stripped.items():
        if rel.endswith("/tests.rs"):
            continue
        mod = module_of(rel)
        paths = [segs for _, segs in use_trees(text)]
        body = re.sub(r"\b(pub(\s*\([^)]*\))?\s+)?use\s+[^;]+;", "", text)
        body = re.sub(r"\bmod\s+\w+\s*;", "", body)
        paths += [p.split("::") for p in re.findall(r"\b(?:crate|super|self)(?:::\w+)+", body)]
        for segs in paths:
            segs = [s for s in segs if s not in ("*",)]
            if segs and segs[-1] == "self":
                segs = segs[:-1]
            target = absolute(mod, segs)
            if target is None:
                continue
            f = resolve(target)
            if f and f != rel:
                edges[rel].add(f)

    problems = []
    # Cycles: Tarjan's strongly connected components.
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    for comp in sccs:
        problems.append("import cycle among: " + ", ".join(comp))

    def stage(rel):
        m = module_of(rel)
        return m[0] if m else None

    for a in sorted(edges):
        for b in sorted(edges[a]):
            sa, sb = stage(a), stage(b)
            if sa in LAYER and sb in LAYER and LAYER[sb] > LAYER[sa]:
                problems.append(f"{a} ({sa}) imports the later stage {sb} ({b})")

    for rel, code in sorted(files.items()):
        lines = code.count("\n") + 1
        head = "\n".join(code.splitlines()[:40])
        if lines > MAX_LINES and "Length:" not in head:
            problems.append(f"{rel}: {lines} lines, over {MAX_LINES} with no `Length:` reason at its top")

    if show:
        for a in sorted(edges):
            print(f"{a} -> {', '.join(sorted(edges[a])) or '-'}")
    for p in problems:
        print("deps:", p)
    if problems:
        sys.exit(1)
    print(f"deps: {len(files)} files, {sum(len(e) for e in edges.values())} imports, no cycle, "
          "no stage imports a later one, no file over 500 lines without a reason")


if __name__ == "__main__":
    main()
