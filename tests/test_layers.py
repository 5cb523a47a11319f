"""The architecture holds: roles are spelled once, the policy is the one door to scoping, and
every model of a scoped app says how it reaches a place (ARCHITECTURE.md, "The policy")."""

import re
from pathlib import Path

from django.apps import apps

from linli.core import policy
from linli.core.roles import Role

SRC = Path(__file__).resolve().parents[1] / "src" / "linli"
# "resident" is also a field and a choice value (居民自报, 常住), so only the unambiguous roles
_ROLES = "|".join(r.value for r in Role if r is not Role.RESIDENT)
ROLE_STRINGS = re.compile(rf"""["']({_ROLES})["']""")


def _sources():
    for path in SRC.rglob("*"):
        if path.suffix in {".py", ".html"} and "migrations" not in path.parts:
            yield path


def test_no_role_is_spelled_outside_the_enum():
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path in _sources()
        if path.name != "roles.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ROLE_STRINGS.search(line)
    ]
    assert not found, f"role strings outside linli.core.roles: {found}"


def test_nothing_reaches_scoping_except_through_the_policy():
    offenders = [
        str(path.relative_to(SRC))
        for path in _sources()
        if re.search(r"accounts(\.|\s+import\s+)scoping", path.read_text(encoding="utf-8"))
    ]
    assert not offenders


SCOPED_APPS = [
    "ledger",
    "grid",
    "party",
    "cases",
    "selfgov",
    "meetings",
    "finance",
    "commons",
    "volunteers",
    "care",
    "civility",
    "services",
    "indicators",
]
# Reference tables and machinery that belong to no place (everyone may read them or only the
# system writes them).
UNSCOPED = {
    "cases.WorkCalendarDay",
    "ledger.ImportBatch",
    "ledger.ExportRequest",
    "volunteers.CertificateSequence",  # a counter per issuer and year, only services touch it
    "civility.Criterion",  # the checklist per kind, the same for every community
    "indicators.Dirty",  # the rollups' work queue, only the rollups touch it
}


def test_every_model_of_a_scoped_app_has_a_scope():
    missing = []
    for label in SCOPED_APPS:
        for model in apps.get_app_config(label).get_models():
            name = f"{model._meta.app_label}.{model.__name__}"
            if model.__name__.startswith("Historical") or name in UNSCOPED:
                continue
            try:
                policy.rule_for(model)
            except LookupError:
                missing.append(name)
    assert not missing, (
        f"models without a scope (register them in their app's scopes.py): {missing}"
    )
