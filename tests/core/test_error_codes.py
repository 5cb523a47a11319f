"""The error-code registry (``core.error_codes``) against the code and the docs: every code a
domain error is raised with in ``src/`` is documented in ``docs/api.md`` with its status, and
every documented code is still raised. Raised codes are found by reading the source
(``core.error_scan``), not from a list kept by hand."""

import ast
import textwrap
from pathlib import Path

from linli.core import error_codes, error_scan

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_every_raised_code_is_registered_and_every_registered_code_raised():
    found = error_scan.codes()
    missing = sorted(set(found) - set(error_codes.CODES))
    stale = sorted(set(error_codes.CODES) - set(found))
    assert not missing, f"raised but not in core/error_codes.py (and docs/api.md): {missing}"
    assert not stale, f"in core/error_codes.py but raised nowhere: {stale}"


def test_registered_statuses_are_those_raised():
    found = error_scan.codes()
    wrong = {
        code: (entry.statuses, tuple(sorted(found[code]["statuses"])))
        for code, entry in error_codes.CODES.items()
        if code in found and entry.statuses != tuple(sorted(found[code]["statuses"]))
    }
    assert not wrong, f"registered vs raised statuses: {wrong}"


def test_every_entry_has_both_meanings():
    assert all(e.zh.strip() and e.en.strip() for e in error_codes.CODES.values())


def test_docs_table_is_the_generated_one():
    section = error_codes.docs_section(DOCS.read_text(encoding="utf-8"))
    assert section is not None, "docs/api.md has no error-codes section"
    assert section == error_codes.markdown(), (
        "docs/api.md's error codes are out of date: run `python -m linli.core.error_codes --write`"
    )


def _scan(tmp_path, source: str):
    (tmp_path / "mod.py").write_text(textwrap.dedent(source))
    return error_scan.scan(tmp_path)


def test_the_scan_follows_codes_through_helpers(tmp_path):
    raised, unresolved = _scan(
        tmp_path,
        """
        from linli.core.errors import Conflict, Forbidden, Invalid, NotFound

        def _err(app, reason, message):
            return Invalid(message, code=f"{app}.{reason}")

        def check(value, *, app):
            if not value:
                raise _err(app, "empty", "空")
            raise Forbidden("不行", code="x.forbidden")

        def use():
            check(1, app="demo")
            raise NotFound()

        def late():
            raise Conflict("冲突", code="x.late", status=409)
        """,
    )
    assert not unresolved
    assert {(r.code, r.status) for r in raised} == {
        ("demo.empty", 400),
        ("x.forbidden", 403),
        ("not_found", 404),
        ("x.late", 409),
    }


def test_a_code_that_cannot_be_followed_is_reported(tmp_path):
    raised, unresolved = _scan(
        tmp_path,
        """
        from linli.core.errors import Invalid

        def check(codes):
            raise Invalid("坏", code=codes[0])
        """,
    )
    assert raised == [] and len(unresolved) == 1 and "codes[0]" in unresolved[0]


def test_the_scanner_reads_every_error_class():
    """The classes the scan knows are the ``DomainError`` subclasses in ``src/`` (a new
    subclass must be taught to it)."""
    root = Path(error_scan.__file__).resolve().parent.parent
    subclasses = {"DomainError"}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                getattr(b, "id", getattr(b, "attr", None)) in subclasses | set(error_scan.STATUS)
                for b in node.bases
            ):
                subclasses.add(node.name)
    assert subclasses <= set(error_scan.STATUS), subclasses - set(error_scan.STATUS)
