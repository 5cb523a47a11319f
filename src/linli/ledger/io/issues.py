"""What an import reports: one :class:`RowIssue` per problem, and the :class:`ImportResult`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

COUNT_LABELS = {
    "compounds": "小区",
    "buildings": "楼栋",
    "units": "单元",
    "households": "户",
    "residents": "居民",
}
OUTCOME_LABELS = {"created": "新建", "updated": "更新", "moved": "迁入", "unchanged": "未变"}

_SHOWN_VALUE = 60


@dataclass
class RowIssue:
    """An error or warning, naming where: sheet, Excel row, column letter and header."""

    sheet: str
    row: int | None
    column: str
    field: str
    value: str
    reason: str
    code: str
    header: str = ""  # the column's header as written in the file

    def as_dict(self) -> dict:
        data = asdict(self)
        data["message"] = str(self)
        return data

    def __str__(self) -> str:
        where = f"「{self.sheet}」" if self.sheet else ""
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += f" {self.column}列" if where else f"{self.column}列"
            if self.header:
                where += f"（{self.header}）"
        elif self.header:
            where += f"（{self.header}）"
        value = self.value
        if len(value) > _SHOWN_VALUE:
            value = value[: _SHOWN_VALUE - 1] + "…"
        if value:
            where += f"“{value}”"
        return f"{where}：{self.reason}" if where else self.reason


def empty_counts() -> dict[str, dict[str, int]]:
    return {
        "compounds": {"created": 0, "updated": 0, "unchanged": 0},
        "buildings": {"created": 0, "unchanged": 0},
        "units": {"created": 0, "unchanged": 0},
        "households": {"created": 0, "updated": 0, "unchanged": 0},
        "residents": {"created": 0, "updated": 0, "moved": 0, "unchanged": 0},
    }


@dataclass
class ImportResult:
    ok: bool
    dry_run: bool
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=empty_counts)
    batch_id: int | None = None
    rows: int = 0  # data rows read (both sheets)

    @property
    def changed(self) -> int:
        """Everything created, updated or moved (0 for an unchanged re-import)."""
        return sum(
            n
            for outcomes in self.counts.values()
            for outcome, n in outcomes.items()
            if outcome in ("created", "updated", "moved")
        )

    def summary_lines(self) -> list[str]:
        """``居民：新建 12，更新 0，迁入 0，未变 0`` — one line per kind of record."""
        lines = []
        for kind, outcomes in self.counts.items():
            parts = [f"{OUTCOME_LABELS[o]} {n}" for o, n in outcomes.items()]
            lines.append(f"{COUNT_LABELS[kind]}：" + "，".join(parts))
        return lines
