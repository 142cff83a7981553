"""GitHub Actions expressions (`${{ … }}`): the subset these workflows use, evaluated as GitHub documents it.

Supported: literals (null, true, false, numbers, 'strings' with '' escapes), context access (`a.b.c`, `a['b']`,
`a.*` is not supported), `!`, `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||` (which return an operand, not a
boolean), parentheses, and the functions contains, startsWith, endsWith, format, join, toJSON, fromJSON,
hashFiles, success, failure, always, cancelled. A missing property is null, as on GitHub; an unknown context,
function or syntax is an ExprError, never silently empty.
"""

import fnmatch
import glob
import hashlib
import json
import os
import re


class ExprError(Exception):
    """An expression this evaluator does not understand (or a context it was not given)."""


TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|0x[0-9a-fA-F]+)|(?P<str>'(?:[^']|'')*')"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\],.*])|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


def tokenize(text):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"cannot parse expression at {text[pos:pos + 30]!r} in {text!r}")
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


def truthy(v):
    if v is None or v is False:
        return False
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v != 0 and v == v
    if isinstance(v, str):
        return v != ""
    return True


def to_number(v):
    if v is None:
        return 0
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, str):
        s = v.strip()
        if s == "":
            return 0
        try:
            return int(s, 16) if s.lower().startswith("0x") else float(s)
        except ValueError:
            return float("nan")
    return float("nan")


def equal(a, b):
    """GitHub's loose equality: strings compare case-insensitively; different types compare as numbers."""
    if type(a) is type(b) or (isinstance(a, (int, float)) and isinstance(b, (int, float))
                              and not isinstance(a, bool) and not isinstance(b, bool)):
        if isinstance(a, str):
            return a.lower() == b.lower()
        if isinstance(a, (dict, list)):
            return a is b
        return a == b
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    return to_number(a) == to_number(b)


def to_string(v):
    """How a value is interpolated into a string."""
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, (dict, list)):
        return "Object" if isinstance(v, dict) else "Array"
    return str(v)


class Evaluator:
    """Evaluates expressions against `contexts` (github, env, runner, steps, matrix, secrets, job, …)."""

    def __init__(self, contexts, workspace=None, status="success"):
        self.contexts = contexts
        self.workspace = workspace
        self.status = status  # success / failure / cancelled: the job's state so far, for the status functions

    # --- parser (recursive descent over the token list) ---
    def evaluate(self, text):
        self.tokens = tokenize(text)
        self.pos = 0
        if not self.tokens:
            raise ExprError("empty expression")
        value = self.parse_or()
        if self.pos != len(self.tokens):
            raise ExprError(f"unexpected {self.tokens[self.pos][1]!r} in {text!r}")
        return value

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if tok[0] is None or (value is not None and tok[1] != value):
            raise ExprError(f"expected {value!r}, found {tok[1]!r}")
        self.pos += 1
        return tok

    def parse_or(self):
        left = self.parse_and()
        while self.peek()[1] == "||":
            self.take()
            right = self.parse_and()
            left = left if truthy(left) else right
        return left

    def parse_and(self):
        left = self.parse_cmp()
        while self.peek()[1] == "&&":
            self.take()
            right = self.parse_cmp()
            left = right if truthy(left) else left
        return left

    def parse_cmp(self):
        left = self.parse_unary()
        while self.peek()[1] in ("==", "!=", "<", "<=", ">", ">="):
            op = self.take()[1]
            right = self.parse_unary()
            if op == "==":
                left = equal(left, right)
            elif op == "!=":
                left = not equal(left, right)
            else:
                a, b = (left, right) if isinstance(left, str) and isinstance(right, str) else (
                    to_number(left), to_number(right))
                if isinstance(a, str):
                    a, b = a.lower(), b.lower()
                left = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        return left

    def parse_unary(self):
        if self.peek()[1] == "!":
            self.take()
            return not truthy(self.parse_unary())
        return self.parse_postfix(self.parse_primary())

    def parse_primary(self):
        kind, text = self.take()
        if kind == "num":
            return int(text, 16) if text.lower().startswith("0x") else (
                float(text) if any(c in text for c in ".eE") else int(text))
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if text == "(":
            v = self.parse_or()
            self.take(")")
            return v
        if kind == "name":
            if text in ("true", "false"):
                return text == "true"
            if text == "null":
                return None
            if self.peek()[1] == "(":
                return self.call(text)
            if text not in self.contexts:
                raise ExprError(f"unknown context {text!r} (this runner knows {sorted(self.contexts)})")
            return self.contexts[text]
        raise ExprError(f"unexpected {text!r}")

    def parse_postfix(self, value):
        while self.peek()[1] in (".", "["):
            if self.take()[1] == ".":
                kind, name = self.take()
                if name == "*":
                    raise ExprError("object filters (`.*`) are not supported by this runner")
                if kind != "name":
                    raise ExprError(f"expected a property name after '.', found {name!r}")
                value = self.index(value, name)
            else:
                key = self.parse_or()
                self.take("]")
                value = self.index(value, key)
        return value

    @staticmethod
    def index(value, key):
        if isinstance(value, dict):
            if isinstance(key, str):
                for k, v in value.items():
                    if k.lower() == key.lower():
                        return v
            return None
        if isinstance(value, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
            i = int(key)
            return value[i] if 0 <= i < len(value) else None
        return None

    def call(self, name):
        self.take("(")
        args = []
        if self.peek()[1] != ")":
            args.append(self.parse_or())
            while self.peek()[1] == ",":
                self.take()
                args.append(self.parse_or())
        self.take(")")
        fn = FUNCTIONS.get(name.lower())
        if fn is None:
            raise ExprError(f"unknown function {name}() (this runner knows {sorted(FUNCTIONS)})")
        return fn(self, *args)

    # --- interpolation ---
    def interpolate(self, text):
        """A string with every `${{ … }}` replaced by its value (as GitHub interpolates it)."""
        if not isinstance(text, str):
            return text
        out, pos = [], 0
        while True:
            start = text.find("${{", pos)
            if start < 0:
                out.append(text[pos:])
                return "".join(out)
            end = text.find("}}", start)
            if end < 0:
                raise ExprError(f"unterminated ${{{{ in {text!r}")
            out.append(text[pos:start])
            out.append(to_string(self.evaluate(text[start + 3:end])))
            pos = end + 2

    def condition(self, text):
        """A step's or job's `if:` (with or without `${{ }}`)."""
        if isinstance(text, bool):
            return text
        t = str(text).strip()
        if t.startswith("${{") and t.endswith("}}") and t.count("${{") == 1:
            t = t[3:-2]
        self.status_used = False
        value = truthy(self.evaluate(t))
        if not self.status_used:  # GitHub wraps a condition without a status function in success() && (…)
            value = value and self.status == "success"
        return value


def _hash_files(ev, *patterns):
    if ev.workspace is None:
        raise ExprError("hashFiles() needs a workspace")
    files = set()
    for p in patterns:
        if p.startswith("!"):
            files = {f for f in files if not fnmatch.fnmatch(os.path.relpath(f, ev.workspace), p[1:])}
            continue
        files.update(f for f in glob.glob(os.path.join(ev.workspace, p), recursive=True) if os.path.isfile(f))
    if not files:
        return ""
    outer = hashlib.sha256()
    for f in sorted(files):
        with open(f, "rb") as fh:
            outer.update(hashlib.sha256(fh.read()).digest())
    return outer.hexdigest()


def _format(ev, fmt, *args):
    def sub(m):
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        i = int(m.group(1))
        if i >= len(args):
            raise ExprError(f"format(): no argument {{{i}}}")
        return to_string(args[i])
    return re.sub(r"\{\{|\}\}|\{(\d+)\}", sub, fmt)


def _status(name):
    def fn(ev):
        ev.status_used = True
        return {"success": ev.status == "success", "failure": ev.status == "failure",
                "always": True, "cancelled": ev.status == "cancelled"}[name]
    return fn


def _contains(ev, hay, needle):
    if isinstance(hay, list):
        return any(equal(x, needle) for x in hay)
    return to_string(needle).lower() in to_string(hay).lower()


FUNCTIONS = {
    "contains": _contains,
    "startswith": lambda ev, a, b: to_string(a).lower().startswith(to_string(b).lower()),
    "endswith": lambda ev, a, b: to_string(a).lower().endswith(to_string(b).lower()),
    "format": _format,
    "join": lambda ev, a, sep=",": to_string(sep).join(to_string(x) for x in a) if isinstance(a, list) else to_string(a),
    "tojson": lambda ev, v: json.dumps(v, indent=2),
    "fromjson": lambda ev, s: json.loads(s),
    "hashfiles": _hash_files,
    "success": _status("success"),
    "failure": _status("failure"),
    "always": _status("always"),
    "cancelled": _status("cancelled"),
}
