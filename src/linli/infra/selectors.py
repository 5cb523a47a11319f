"""Reads of the infrastructure plans, each starting from what the actor may see.

``figures`` answers "how much for how many problems" (花多少钱、解决多少问题) for one compound,
community, town or county, and ``figures_by`` for every place of one level the actor sees —
the pages, the API and (later) the indicators read these, so no total leaks what a list hides.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from linli.core.errors import NotFound
from linli.core.policy import restrict
from linli.ledger.models import Compound, Region, RegionLevel

from .models import Funding, Photo, Plan, Problem, Source, Stage
from .rules import has_vote_row, share_state

ZERO = Decimal("0.00")


def plans_for(actor) -> QuerySet[Plan]:
    return Plan.objects.restrict(actor).select_related("compound__community")


def plan_get_for(*, actor, plan_id: int) -> Plan:
    plan = plans_for(actor).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("小区对策不存在或无权查看")
    return plan


def compound_get_for(*, actor, compound_id: int) -> Compound:
    found = (
        Compound.objects.restrict(actor).select_related("community").filter(pk=compound_id).first()
    )
    if found is None:
        raise NotFound("小区不存在或无权查看")
    return found


def plan_of(compound: Compound) -> Plan | None:
    return Plan.objects.filter(compound=compound).first()


def problems_for(actor) -> QuerySet[Problem]:
    return Problem.objects.restrict(actor).select_related("plan__compound__community", "department")


def problem_get_for(*, actor, problem_id: int) -> Problem:
    problem = problems_for(actor).filter(pk=problem_id).first()
    if problem is None:
        raise NotFound("问题不存在或无权查看")
    return problem


def photo_get_for(*, actor, photo_id: int) -> Photo:
    photo = Photo.objects.restrict(actor).filter(pk=photo_id).first()
    if photo is None:
        raise NotFound("照片不存在或无权查看")
    return photo


def shares_of(problem: Problem) -> list[dict]:
    """The problem's funding shares with where each stands (vote, entry)."""
    out = []
    for share in problem.fundings.select_related("proposal__vote", "entry").order_by("id"):
        state = share_state(share)
        has_vote = share.proposal is not None and has_vote_row(share.proposal)
        out.append(
            {
                "id": share.pk,
                "source": share.source,
                "source_label": share.get_source_display(),
                "amount": share.amount,
                "proposal_id": share.proposal_id,
                "vote_id": share.proposal.vote.pk if has_vote else None,  # type: ignore[union-attr]
                "entry_id": share.entry_id,
                "ready": state.ready,
                "frozen": state.frozen,
                "state": state.code,
                "state_label": state.label,
            }
        )
    return out


# ---------------------------------------------------------------- how much for how many


@dataclass
class Figures:
    """Money and problems of one place."""

    place_id: int | None = None
    place: str = ""
    level: str = ""
    problems: int = 0
    done: int = 0
    open: int = 0
    budget: Decimal = ZERO
    actual: Decimal = ZERO
    actual_done: Decimal = ZERO  # spent on the problems already done
    by_source: dict[str, Decimal] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)

    def add(self, row: dict) -> None:
        self.problems += row["n"]
        self.done += row["done"]
        self.open = self.problems - self.done
        self.budget += row["budget_sum"] or ZERO
        self.actual += row["actual_sum"] or ZERO
        self.actual_done += row["actual_done_sum"] or ZERO

    def as_dict(self) -> dict:
        return {
            "place_id": self.place_id,
            "place": self.place,
            "level": self.level,
            "problems": self.problems,
            "done": self.done,
            "open": self.open,
            "budget": self.budget,
            "actual": self.actual,
            "actual_done": self.actual_done,
            "by_source": dict(self.by_source),
            "by_kind": dict(self.by_kind),
        }


def _per_compound(problems: QuerySet[Problem]) -> list[dict[str, Any]]:
    rows = (
        problems.order_by()
        .values("plan__compound_id", "plan__compound__name", "plan__compound__community__path")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(stage=Stage.DONE)),
            budget_sum=Sum("budget"),
            actual_sum=Sum("actual"),
            actual_done_sum=Sum("actual", filter=Q(stage=Stage.DONE)),
        )
    )
    return [dict(r) for r in rows]


def _problems(actor) -> QuerySet[Problem]:
    """What ``actor`` sees; ``None`` (the indicators, a system read) sees every problem."""
    return Problem.objects.all() if actor is None else Problem.objects.restrict(actor)


def _sources(actor, problems: QuerySet[Problem]) -> dict[int, dict[str, Decimal]]:
    fundings = Funding.objects.filter(problem__in=problems.values("pk"))
    rows = (
        (fundings if actor is None else restrict(fundings, actor))
        .order_by()
        .values("problem__plan__compound_id", "source")
        .annotate(total=Sum("amount"))
    )
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for r in rows:
        out[r["problem__plan__compound_id"]][r["source"]] = r["total"]
    return out


def _kinds(problems: QuerySet[Problem]) -> dict[int, dict[str, int]]:
    rows = problems.order_by().values("plan__compound_id", "kind").annotate(n=Count("id"))
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for r in rows:
        out[r["plan__compound_id"]][r["kind"]] = r["n"]
    return out


def _merge(target: Figures, row: dict, sources: dict, kinds: dict) -> None:
    target.add(row)
    cid = row["plan__compound_id"]
    for s, amount in sources.get(cid, {}).items():
        target.by_source[s] = target.by_source.get(s, ZERO) + amount
    for k, n in kinds.get(cid, {}).items():
        target.by_kind[k] = target.by_kind.get(k, 0) + n


LEVELS: dict[str, int | None] = {
    "compound": None,
    "community": RegionLevel.COMMUNITY,
    "town": RegionLevel.TOWN,
    "county": RegionLevel.COUNTY,
}


def figures_by(*, actor, level: str, within: Region | None = None) -> list[Figures]:
    """One row per place of ``level`` (compound, community, town, county) that has problems
    the actor sees, within ``within`` (a region in scope) if given; three queries."""
    if level not in LEVELS:
        from linli.core.errors import Invalid

        raise Invalid(
            "层级须为 compound、community、town 或 county",
            code="infra.bad_level",
            details=[{"field": "level", "value": str(level)}],
        )
    problems = _problems(actor)
    if within is not None:
        problems = problems.filter(plan__compound__community__path__startswith=within.path)
    rows = _per_compound(problems)
    sources, kinds = _sources(actor, problems), _kinds(problems)
    if level == "compound":
        out = []
        for row in rows:
            f = Figures(place_id=row["plan__compound_id"], place=row["plan__compound__name"])
            f.level = level
            _merge(f, row, sources, kinds)
            out.append(f)
        return sorted(out, key=lambda f: f.place)
    regions = Region.objects.filter(level=LEVELS[level] or 0).order_by("path")
    paths = {r["plan__compound__community__path"] for r in rows}
    wanted = [r for r in regions if any(p.startswith(r.path) for p in paths)]
    out = []
    for region in wanted:
        f = Figures(place_id=region.pk, place=region.name, level=level)
        for row in rows:
            if row["plan__compound__community__path"].startswith(region.path):
                _merge(f, row, sources, kinds)
        out.append(f)
    return out


def figures(*, actor, compound: Compound | None = None, region: Region | None = None) -> Figures:
    """ "How much for how many problems" of one compound or one region (all the actor sees
    when neither is given; ``actor=None``: every problem, as the indicators read it)."""
    problems = _problems(actor)
    total = Figures()
    if compound is not None:
        problems = problems.filter(plan__compound=compound)
        total.place_id, total.place, total.level = compound.pk, compound.name, "compound"
    elif region is not None:
        problems = problems.filter(plan__compound__community__path__startswith=region.path)
        total.place_id, total.place = region.pk, region.name
        total.level = {int(v): k for k, v in LEVELS.items() if v}.get(int(region.level), "")
    rows = _per_compound(problems)
    sources, kinds = _sources(actor, problems), _kinds(problems)
    for row in rows:
        _merge(total, row, sources, kinds)
    return total


def stage_counts(problems) -> list[tuple[str, str, int]]:
    """(stage, label, count) in stage order for a list of problems."""
    counts: dict[str, int] = defaultdict(int)
    for p in problems:
        counts[p.stage] += 1
    return [(s, str(label), counts.get(s, 0)) for s, label in Stage.choices]


SOURCE_LABELS = dict(Source.choices)
