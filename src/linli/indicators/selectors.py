"""Reads of indicators: a region by its 12-digit code for an actor (404 out of scope), its
values for a month, the registry as documentation."""

from __future__ import annotations

from linli.core.errors import Invalid, NotFound
from linli.core.policy import actor_of
from linli.ledger.models import Region

from . import rollups
from .context import Place
from .registry import LEVEL_LABELS, REGISTRY, SOURCES, Month
from .scopes import region_filter

CODE_LENGTH = 12


def parse_period(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise Invalid(str(exc), code="indicators.bad_period") from exc


def region_by_code(code: str) -> Region:
    """A region by its 12-digit 统计用区划代码, whoever asks (the command)."""
    text = (code or "").strip()
    if len(text) != CODE_LENGTH or not text.isdigit():
        raise Invalid(f"区划代码“{code}”应为 12 位数字", code="indicators.bad_region")
    region = Region.objects.filter(code=text).first()
    if region is None:
        raise NotFound(f"没有区划代码为 {text} 的区域")
    return region


def region_get_for(*, actor, code: str) -> Region:
    """The region ``code`` if ``actor`` may read its figures; else 404 like a missing one."""
    region = region_by_code(code)
    allowed = region_filter(actor_of(actor))
    if allowed is None or not Region.objects.filter(allowed, pk=region.pk).exists():
        raise NotFound(f"没有区划代码为 {region.code} 的区域")
    return region


def region_values(*, region: Region, period: Month) -> dict[str, int | str | None]:
    """``{indicator_code: value}`` in the JSON form (``registry`` explains it)."""
    values = rollups.values_for(Place.of_region(region), period)
    return {code: REGISTRY[code].as_json(value) for code, value in values.items()}  # type: ignore[arg-type]


def docs_markdown() -> str:
    """``docs/indicators.md``, generated from the registry (``linli indicators --docs``)."""
    lines = [
        "# 指标 (indicators)",
        "",
        "Generated from `linli/indicators/registry.py` and `definitions.py` by",
        "`linli indicators --docs > docs/indicators.md`; do not edit by hand",
        "(`tests/indicators/test_command.py` fails when it differs).",
        "",
        "Each value is computed for one place (县/镇/社区 region, 小区, or 片/组/邻 grid cell) and",
        "one calendar month, kept per (place, month, code) and refreshed incrementally",
        '(ARCHITECTURE.md, "Indicators"). `linli indicators --region CODE --period YYYY-MM',
        "--json` and `GET /api/v1/indicators?region=CODE&period=YYYY-MM` print one JSON object",
        "`{code: value}`: counts as integers; money (元) as strings with two places; rates",
        "(0–1) as strings with four places, `null` when there is nothing to rate; hours as",
        "strings, `null` when nothing was measured.",
        "",
    ]
    levels = list(LEVEL_LABELS.values())
    for source, title in SOURCES.items():
        lines += [f"## {title} (`{source}`)", ""]
        lines += ["| code | 名称 | 单位 | 层级 | 定义 | 公式 |", "|---|---|---|---|---|---|"]
        for ind in REGISTRY.values():
            if ind.source != source:
                continue
            where = "、".join(label for level, label in LEVEL_LABELS.items() if level in ind.levels)
            lines.append(
                f"| `{ind.code}` | {ind.name} | {ind.unit} | {where} | {ind.definition} "
                f"| {ind.formula} |"
            )
        lines.append("")
    lines += [f"Levels: {'、'.join(levels)}.", ""]
    return "\n".join(lines)
