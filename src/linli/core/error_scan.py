"""Every error code the code can raise, found by reading the source (``ast``), not by a list.

A code is the ``code`` of an ``Invalid``/``Forbidden``/``NotFound``/``Conflict`` (or
``DomainError``, ``ArchiveRefused``) built anywhere in ``linli``: a string literal, the class's
default (``not_found`` …), or built from a helper's parameters (``f"{app}.bad_amount"`` in
``core.money.parse_amount``, ``code`` in ``core.approval.require_second_person``). Those are
followed to each call of the helper — through helpers that pass their own parameter on
(``accept_uploads(app=…)`` → ``_reencode(app=app)`` → ``_error(app, …)``) — until the call
gives a literal. A code that cannot be followed to literals is reported as *unresolved*, so a
new dynamic code fails the registry test (``tests/core/test_error_codes.py``) instead of
slipping past it.

Used by :mod:`linli.core.error_codes` (the documented registry) and its test only; nothing at
run time imports it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: the error classes and the status each answers (``DomainError``: its ``status=``, else 400)
STATUS = {
    "Invalid": 400,
    "Forbidden": 403,
    "NotFound": 404,
    "Conflict": 409,
    "DomainError": 400,
    "ArchiveRefused": 400,
}
DEFAULT_CODE = {
    "Invalid": "invalid_input",
    "Forbidden": "forbidden",
    "NotFound": "not_found",
    "Conflict": "conflict",
}
#: where the positional ``code`` argument sits, for the classes that take one
CODE_POSITION = {"Invalid": 1, "Forbidden": 1, "NotFound": 1, "Conflict": 1, "DomainError": 0}


@dataclass(frozen=True)
class Raised:
    """One code at one place: ``where`` is the module (``finance/services.py``) and line where
    the code became a literal — the raise itself, or the call of a helper that named it."""

    code: str
    status: int
    where: str
    line: int


@dataclass(frozen=True)
class _Var:
    """A part of a code still to be filled from a parameter of a function."""

    func: _Func
    name: str


@dataclass(frozen=True, eq=False)
class _Func:
    module: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    parent: _Func | None

    @property
    def name(self) -> str:
        return self.node.name

    def params(self) -> list[str]:
        a = self.node.args
        return [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)]

    def owner_of(self, name: str) -> _Func | None:
        """The innermost function (this one or an enclosing one) with parameter ``name``."""
        func: _Func | None = self
        while func is not None:
            if name in func.params():
                return func
            func = func.parent
        return None

    def default(self, name: str) -> ast.expr | None:
        a = self.node.args
        positional = [*a.posonlyargs, *a.args]
        offset = len(positional) - len(a.defaults)
        for i, p in enumerate(positional):
            if p.arg == name and i >= offset:
                return a.defaults[i - offset]
        for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True):
            if p.arg == name:
                return d
        return None


Template = tuple[str | _Var, ...]


@dataclass
class _Site:
    module: str
    line: int
    call: ast.Call
    func: _Func | None  # the function the call is in (None: module level)


def _modules(root: Path) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path.relative_to(root).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


class _Index(ast.NodeVisitor):
    """Every function, every call (with the function it sits in), per module."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.stack: list[_Func] = []
        self.funcs: list[_Func] = []
        self.calls: list[_Site] = []
        self.imports: dict[str, str] = {}  # local name → dotted name it stands for

    def _package(self) -> list[str]:
        parts = ["linli", *self.module.removesuffix(".py").split("/")]
        return parts[:-1]  # a module's package; ``pkg/__init__.py`` is ``pkg.__init__`` here

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.imports[alias.asname] = alias.name

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self._package()[: len(self._package()) - (node.level - 1)] if node.level else []
        source = ".".join([*base, *(node.module.split(".") if node.module else [])])
        for alias in node.names:
            self.imports[alias.asname or alias.name] = f"{source}.{alias.name}"

    def _function(self, node) -> None:
        func = _Func(self.module, node, self.stack[-1] if self.stack else None)
        self.funcs.append(func)
        self.stack.append(func)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Call(self, node: ast.Call) -> None:
        self.calls.append(
            _Site(self.module, node.lineno, node, self.stack[-1] if self.stack else None)
        )
        self.generic_visit(node)


def _template(expr: ast.expr, scope: _Func | None) -> Template | None:
    """The code an expression builds: literal parts and parameters of ``scope`` (or of a
    function around it); ``None`` when it is anything else."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return (expr.value,)
    if isinstance(expr, ast.Name) and scope is not None:
        owner = scope.owner_of(expr.id)
        return (_Var(owner, expr.id),) if owner is not None else None
    if isinstance(expr, ast.JoinedStr):
        parts: list[str | _Var] = []
        for value in expr.values:
            if isinstance(value, ast.FormattedValue):
                if value.conversion != -1 or value.format_spec is not None:
                    return None
                inner = _template(value.value, scope)
                if inner is None:
                    return None
                parts.extend(inner)
            else:
                inner = _template(value, scope)
                if inner is None:
                    return None
                parts.extend(inner)
        return tuple(parts)
    return None


def _argument(site: _Site, func: _Func, name: str) -> ast.expr | None:
    for kw in site.call.keywords:
        if kw.arg == name:
            return kw.value
    positional = [p.arg for p in (*func.node.args.posonlyargs, *func.node.args.args)]
    if name in positional:
        i = positional.index(name)
        if i < len(site.call.args) and not any(
            isinstance(a, ast.Starred) for a in site.call.args[: i + 1]
        ):
            return site.call.args[i]
    return func.default(name)


def _dotted(module: str) -> str:
    return "linli." + module.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _target(site: _Site, by_module: dict[str, _Index], dotted: dict[str, str]) -> str | None:
    """The module whose function a call calls: the caller's own, the one it was imported from
    (through a package's re-export), or the module an attribute is taken from; None for a
    method or anything else."""
    index = by_module[site.module]
    func = site.call.func
    if isinstance(func, ast.Name):
        if any(f.name == func.id for f in index.funcs):
            return site.module
        target = index.imports.get(func.id)
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        source = index.imports.get(func.value.id)
        target = f"{source}.{func.attr}" if source else None
    else:
        return None
    for _ in range(5):  # follow re-exports (``from .x import f`` in a package's __init__)
        if target is None:
            return None
        module_name, _, name = target.rpartition(".")
        module = dotted.get(module_name)
        if module is None:
            return None
        owner = by_module[module]
        if any(f.name == name and f.parent is None for f in owner.funcs):
            return module
        target = owner.imports.get(name)
    return None


Pending = tuple[Template, int, str, int]  # a code still holding parameters, its status, place


def _raise_site(site: _Site, raised: list[Raised], pending: list[Pending], unresolved: list[str]):
    """One construction of an error class: its code is a literal, the class's default, a
    template of parameters to follow, or unresolved."""
    kind = _called_name(site.call)
    if kind not in STATUS:
        return
    status = STATUS[kind]
    expr = None
    for kw in site.call.keywords:
        if kw.arg == "code":
            expr = kw.value
        if (
            kw.arg == "status"
            and isinstance(kw.value, ast.Constant)
            and isinstance(kw.value.value, int)
        ):
            status = kw.value.value
    position = CODE_POSITION.get(kind)
    if expr is None and position is not None and len(site.call.args) > position:
        expr = site.call.args[position]
    if expr is None:
        if kind in DEFAULT_CODE:
            raised.append(Raised(DEFAULT_CODE[kind], status, site.module, site.line))
        else:
            unresolved.append(f"{site.module}:{site.line}: {kind}(…) without a code")
        return
    template = _template(expr, site.func)
    if template is None:
        unresolved.append(f"{site.module}:{site.line}: {ast.unparse(expr)}")
        return
    pending.append((template, status, site.module, site.line))


def _fill(template: Template, func: _Func, site: _Site, unresolved: list[str]) -> Template | None:
    """``template`` with ``func``'s parameters replaced by what the call ``site`` passes."""
    filled: list[str | _Var] = []
    for part in template:
        if not (isinstance(part, _Var) and part.func is func):
            filled.append(part)
            continue
        arg = _argument(site, func, part.name)
        inner = _template(arg, site.func) if arg is not None else None
        if inner is None:
            unresolved.append(
                f"{site.module}:{site.line}: {func.name}({part.name}=…) not a literal"
            )
            return None
        filled.extend(inner)
    return tuple(filled)


class _Calls:
    """Who calls a function: calls by name, kept to those that reach its module."""

    def __init__(self, indexes: list[_Index]) -> None:
        self.by_module = {index.module: index for index in indexes}
        self.dotted = {_dotted(index.module): index.module for index in indexes}
        self.by_name: dict[str, list[_Site]] = defaultdict(list)
        for index in indexes:
            for site in index.calls:
                name = _called_name(site.call)
                if name is not None:
                    self.by_name[name].append(site)

    def of(self, func: _Func) -> list[_Site]:
        return [
            s
            for s in self.by_name.get(func.name, [])
            if _target(s, self.by_module, self.dotted) == func.module
        ]


def scan(root: Path | None = None) -> tuple[list[Raised], list[str]]:
    """``(raised, unresolved)``: every code with its status and place, and a line per code
    expression that could not be followed to literals (``module:line: expression``)."""
    if root is None:
        root = Path(__file__).resolve().parent.parent
    indexes = []
    for module, tree in _modules(root):
        index = _Index(module)
        index.visit(tree)
        indexes.append(index)
    calls = _Calls(indexes)
    raised: list[Raised] = []
    unresolved: list[str] = []
    pending: list[Pending] = []
    for index in indexes:
        for site in index.calls:
            _raise_site(site, raised, pending, unresolved)
    seen: set[tuple[Template, int]] = set()
    while pending:
        template, status, where, line = pending.pop()
        variables = [part for part in template if isinstance(part, _Var)]
        if not variables:
            raised.append(Raised("".join(str(p) for p in template), status, where, line))
            continue
        if (template, status) in seen:
            continue
        seen.add((template, status))
        func = variables[0].func
        sites = calls.of(func)
        if not sites:
            unresolved.append(f"{where}:{line}: {func.name}() is never called")
        for site in sites:
            filled = _fill(template, func, site, unresolved)
            if filled is not None:
                pending.append((filled, status, site.module, site.line))
    return raised, unresolved


def codes(root: Path | None = None) -> dict[str, dict]:
    """``{code: {"statuses": {…}, "where": [module, …]}}`` from :func:`scan` (raises
    ``ValueError`` listing what it could not follow)."""
    raised, unresolved = scan(root)
    if unresolved:
        raise ValueError("error codes not followed to literals:\n" + "\n".join(unresolved))
    out: dict[str, dict] = {}
    for r in raised:
        entry = out.setdefault(r.code, {"statuses": set(), "where": set()})
        entry["statuses"].add(r.status)
        entry["where"].add(r.where)
    return {
        code: {"statuses": v["statuses"], "where": sorted(v["where"])}
        for code, v in sorted(out.items())
    }
