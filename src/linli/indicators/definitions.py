"""Every indicator, once. Each reads one source's figures from :class:`~.context.Context`;
the definitions (what counts, which period) are the source apps' own — see ``context.py``."""

from __future__ import annotations

from decimal import Decimal

from linli.grid.models import GridLevel

from .context import Context
from .registry import EVERYWHERE, GRID, REGIONS, SOURCES, Kind, Level, indicator

# --------------------------------------------------------------------------------- ledger
SOURCES["ledger"] = "台账（小区、住户、居民）"
_NO_GRID = (*REGIONS, Level.COMPOUND)


@indicator(
    "ledger.compounds",
    "小区数",
    definition="月末台账中的小区数。",
    formula="count(小区, 月末)",
    unit="个",
    kind=Kind.COUNT,
    source="ledger",
    levels=REGIONS,
)
def _compounds(ctx: Context) -> int:
    return ctx.compounds


@indicator(
    "ledger.sanwu_at_survey",
    "三无小区数（摸底时）",
    definition="首次录入台账（摸底）时为三无（无物业、无主管单位、无人防物防）的小区数；"
    "只计月末前已录入的小区。",
    formula="count(小区: 首条变更记录满足三无)",
    unit="个",
    kind=Kind.COUNT,
    source="ledger",
    levels=_NO_GRID,
)
def _sanwu_at_survey(ctx: Context) -> int:
    return ctx.sanwu_at_survey


@indicator(
    "ledger.sanwu_now",
    "三无小区数（月末）",
    definition="月末时仍为三无的小区数（按变更记录还原当时的状态）。",
    formula="count(小区: 月末状态满足三无)",
    unit="个",
    kind=Kind.COUNT,
    source="ledger",
    levels=_NO_GRID,
)
def _sanwu_now(ctx: Context) -> int:
    return ctx.sanwu_now


@indicator(
    "ledger.households",
    "户数",
    definition="月末台账中的户数；片/组/邻为月末在其邻内的户。",
    formula="count(户, 月末)",
    unit="户",
    kind=Kind.COUNT,
    source="ledger",
    levels=EVERYWHERE,
)
def _households(ctx: Context) -> int:
    return ctx.households


@indicator(
    "ledger.residents",
    "居民人数",
    definition="月末台账中这些户的居民人数。",
    formula="count(居民, 月末)",
    unit="人",
    kind=Kind.COUNT,
    source="ledger",
    levels=EVERYWHERE,
)
def _residents(ctx: Context) -> int:
    return ctx.residents


# ----------------------------------------------------------------------------------- grid
SOURCES["grid"] = "片组邻三长"
_LEADER_LEVELS = {
    "grid.area_leaders": ("片长人数", GridLevel.AREA, (*REGIONS, Level.AREA)),
    "grid.group_leaders": ("组长人数", GridLevel.GROUP, (*REGIONS, Level.AREA, Level.GROUP)),
    "grid.neighbour_leaders": ("邻长人数", GridLevel.NEIGHBOUR, (*REGIONS, *GRID)),
}


def _leader_indicator(code: str, name: str, level: GridLevel, levels) -> None:
    @indicator(
        code,
        name,
        definition=f"月末在任的{name[:2]}（岗位有任职记录且未卸任）。",
        formula=f"count(任职: 岗位层级={name[:2]}, 起 ≤ 月末 < 止)",
        unit="人",
        kind=Kind.COUNT,
        source="grid",
        levels=levels,
    )
    def _leaders(ctx: Context) -> int:
        return ctx.leaders(level)


for _code, (_name, _level, _levels) in _LEADER_LEVELS.items():
    _leader_indicator(_code, _name, _level, _levels)


@indicator(
    "grid.covered_households",
    "有邻长的户数",
    definition="月末所在邻的邻长岗位有人在任的户数。",
    formula="count(户: 月末所在邻有在任邻长)",
    unit="户",
    kind=Kind.COUNT,
    source="grid",
    levels=EVERYWHERE,
)
def _covered(ctx: Context) -> int:
    return ctx.covered_households


@indicator(
    "grid.coverage_rate",
    "三长覆盖率",
    definition="有邻长的户数 ÷ 户数（月末）。",
    formula="grid.covered_households ÷ ledger.households",
    unit="比率",
    kind=Kind.RATE,
    source="grid",
    levels=EVERYWHERE,
)
def _coverage(ctx: Context) -> Decimal | None:
    if not ctx.households:
        return None
    return Decimal(ctx.covered_households) / Decimal(ctx.households)


# ---------------------------------------------------------------------------------- cases
SOURCES["cases"] = "居民诉求（本月登记的诉求，按其当前状态）"
_CASES = (
    (
        "cases.reported",
        "登记诉求数",
        "本月登记的诉求（合并的重复诉求不计）。",
        "count(登记)",
        "件",
        Kind.COUNT,
        "reported",
    ),
    (
        "cases.accepted",
        "立案数",
        "其中已立案的。",
        "count(立案时间非空)",
        "件",
        Kind.COUNT,
        "accepted",
    ),
    (
        "cases.resolved",
        "办结数",
        "其中已办结的。",
        "count(阶段 ∈ 已办结)",
        "件",
        Kind.COUNT,
        "resolved",
    ),
    (
        "cases.resolved_on_time",
        "按期办结数",
        "其中在承诺时限（含当日）内办结的。",
        "count(办结日 ≤ 承诺时限)",
        "件",
        Kind.COUNT,
        "resolved_on_time",
    ),
    (
        "cases.median_hours",
        "办理时长中位数",
        "已办结诉求从登记到（最后一次）办结的小时数的中位数。",
        "median(办结时间 − 登记时间)",
        "小时",
        Kind.HOURS,
        "median_hours",
    ),
    (
        "cases.response_rate",
        "响应率",
        "（立案 + 退回并说明理由）÷ 登记。",
        "(accepted + returned) ÷ reported",
        "比率",
        Kind.RATE,
        "response_rate",
    ),
    (
        "cases.resolution_rate",
        "解决率",
        "已办结 ÷ 登记。",
        "resolved ÷ reported",
        "比率",
        Kind.RATE,
        "resolution_rate",
    ),
    (
        "cases.on_time_rate",
        "按期办结率",
        "承诺时限内办结 ÷ 已办结。",
        "resolved_on_time ÷ resolved",
        "比率",
        Kind.RATE,
        "on_time_rate",
    ),
    (
        "cases.satisfaction_rate",
        "满意率",
        "（满意 + 基本满意）÷ 已结案并评价。",
        "satisfied ÷ rated",
        "比率",
        Kind.RATE,
        "satisfaction_rate",
    ),
)


def _case_indicator(code, name, definition, formula, unit, kind, key) -> None:
    @indicator(
        code,
        name,
        definition=definition,
        formula=formula,
        unit=unit,
        kind=kind,
        source="cases",
        levels=EVERYWHERE,
    )
    def _case(ctx: Context):
        return ctx.cases[key]


for _row in _CASES:
    _case_indicator(*_row)


# ----------------------------------------------------------------------------------- fees
SOURCES["finance"] = "物业费（账期始于本月的账单，按其当前收缴）"


def _fee_indicator(code, name, definition, formula, unit, kind, party, attr) -> None:
    @indicator(
        code,
        name,
        definition=definition,
        formula=formula,
        unit=unit,
        kind=kind,
        source="finance",
        levels=EVERYWHERE,
    )
    def _fee(ctx: Context):
        rate = ctx.fee_rate(party)
        if rate is None:
            return None if kind == Kind.RATE else 0
        return getattr(rate, attr)


_FEES = (
    (
        "finance.due",
        "应收金额",
        "账单金额 − 减免。",
        "Σ(billed − waived)",
        "元",
        Kind.MONEY,
        None,
        "due",
    ),
    (
        "finance.paid",
        "实收金额",
        "已收金额。",
        "Σ paid",
        "元",
        Kind.MONEY,
        None,
        "paid",
    ),
    (
        "finance.amount_rate",
        "收缴率（按金额）",
        "实收 ÷ 应收。",
        "finance.paid ÷ finance.due",
        "比率",
        Kind.RATE,
        None,
        "amount_rate",
    ),
    (
        "finance.households_due",
        "应缴户数",
        "有应收（扣除减免后仍大于零）的户。",
        "count(户: 应收 > 0)",
        "户",
        Kind.COUNT,
        None,
        "households",
    ),
    (
        "finance.households_paid",
        "缴清户数",
        "应缴户中已无欠款的户。",
        "count(户: 应收 > 0 且欠款 = 0)",
        "户",
        Kind.COUNT,
        None,
        "households_paid",
    ),
    (
        "finance.household_rate",
        "收缴率（按户）",
        "缴清户数 ÷ 应缴户数。",
        "households_paid ÷ households_due",
        "比率",
        Kind.RATE,
        None,
        "household_rate",
    ),
    (
        "finance.party_amount_rate",
        "党员户收缴率（按金额）",
        "有党员的户：实收 ÷ 应收。",
        "paid ÷ due（党员户）",
        "比率",
        Kind.RATE,
        True,
        "amount_rate",
    ),
    (
        "finance.party_household_rate",
        "党员户收缴率（按户）",
        "有党员的户：缴清户数 ÷ 应缴户数。",
        "households_paid ÷ households_due（党员户）",
        "比率",
        Kind.RATE,
        True,
        "household_rate",
    ),
    (
        "finance.other_amount_rate",
        "其他户收缴率（按金额）",
        "没有党员的户：实收 ÷ 应收。",
        "paid ÷ due（其他户）",
        "比率",
        Kind.RATE,
        False,
        "amount_rate",
    ),
    (
        "finance.other_household_rate",
        "其他户收缴率（按户）",
        "没有党员的户：缴清户数 ÷ 应缴户数。",
        "households_paid ÷ households_due（其他户）",
        "比率",
        Kind.RATE,
        False,
        "household_rate",
    ),
)

for _fee_row in _FEES:
    _fee_indicator(*_fee_row)


# -------------------------------------------------------------------------------- commons
SOURCES["commons"] = "公共收益（本月记账日期的已入账条目）"


@indicator(
    "commons.income",
    "公共收益收入",
    definition="本月已入账的收入（冲正从其类别中扣减）。",
    formula="Σ 收入类条目",
    unit="元",
    kind=Kind.MONEY,
    source="commons",
    levels=_NO_GRID,
)
def _income(ctx: Context) -> Decimal:
    return ctx.commons["income"]


@indicator(
    "commons.spending",
    "公共收益支出",
    definition="本月已入账的支出（冲正从其类别中扣减）。",
    formula="Σ 支出类条目",
    unit="元",
    kind=Kind.MONEY,
    source="commons",
    levels=_NO_GRID,
)
def _spending(ctx: Context) -> Decimal:
    return ctx.commons["spending"]


# ----------------------------------------------------------------------------- volunteers
SOURCES["volunteers"] = "志愿服务（已确认的服务记录，按班次开始日）"


@indicator(
    "volunteers.activities",
    "志愿活动数",
    definition="本月有已确认服务记录的活动数。",
    formula="count(distinct 活动)",
    unit="个",
    kind=Kind.COUNT,
    source="volunteers",
    levels=REGIONS,
)
def _activities(ctx: Context) -> int:
    return ctx.volunteers["activities"]


@indicator(
    "volunteers.person_times",
    "志愿服务人次",
    definition="本月已确认的服务记录数（一人一班次为一人次）。",
    formula="count(已确认记录)",
    unit="人次",
    kind=Kind.COUNT,
    source="volunteers",
    levels=REGIONS,
)
def _person_times(ctx: Context) -> int:
    return ctx.volunteers["person_times"]


@indicator(
    "volunteers.hours",
    "志愿服务时长",
    definition="本月已确认的实际服务时长（班次内的时间）。",
    formula="Σ 已确认分钟 ÷ 60",
    unit="小时",
    kind=Kind.HOURS,
    source="volunteers",
    levels=REGIONS,
)
def _hours(ctx: Context) -> Decimal:
    return Decimal(ctx.volunteers["hours"])


# ----------------------------------------------------------------------------------- care
SOURCES["care"] = "关爱探访（截至月末）"


@indicator(
    "care.registered",
    "关爱对象人数",
    definition="月末在册的关爱对象（特殊困难老年人等）。",
    formula="count(登记日 ≤ 月末 且 未退出)",
    unit="人",
    kind=Kind.COUNT,
    source="care",
    levels=EVERYWHERE,
)
def _registered(ctx: Context) -> int:
    return ctx.care["registered"]


@indicator(
    "care.visited",
    "本月已探访人数",
    definition="本月至少探访过一次（上门、电话或视频）的在册关爱对象。",
    formula="count(在册 且 本月有探访)",
    unit="人",
    kind=Kind.COUNT,
    source="care",
    levels=EVERYWHERE,
)
def _visited(ctx: Context) -> int:
    return ctx.care["visited_this_month"]


@indicator(
    "care.monthly_visit_rate",
    "月探访率",
    definition="本月至少探访过一次的人 ÷ 月末在册人数（关爱探访自身的定义，三位小数，"
    "无人在册为 0）。",
    formula="care.visited ÷ care.registered",
    unit="比率",
    kind=Kind.RATE,
    source="care",
    levels=EVERYWHERE,
)
def _visit_rate(ctx: Context) -> Decimal:
    return Decimal(ctx.care["monthly_visit_rate"])


@indicator(
    "care.visits",
    "关爱探访次数",
    definition="本月记录的、关联了关爱对象的走访次数。",
    formula="count(走访: 日期在本月 且 有关爱对象)",
    unit="次",
    kind=Kind.COUNT,
    source="care",
    levels=EVERYWHERE,
)
def _visits(ctx: Context) -> int:
    return ctx.care_visits


# ------------------------------------------------------------------------------- civility
SOURCES["civility"] = "文明评选"


@indicator(
    "civility.awards",
    "文明评选授予数",
    definition="本月授予的荣誉（最美家庭、文明户、社区好人、星级楼栋）。",
    formula="count(荣誉: 授予日期在本月)",
    unit="项",
    kind=Kind.COUNT,
    source="civility",
    levels=REGIONS,
)
def _awards(ctx: Context) -> int:
    return ctx.civility["awards"]


# ---------------------------------------------------------------------------------- infra
SOURCES["infra"] = "基础设施（问题清单→满意清单，截至目前的全部问题）"
_INFRA_LEVELS = (*REGIONS, Level.COMPOUND)


@indicator(
    "infra.done",
    "已解决问题数",
    definition="问题清单中已完成（居民代表验收通过）的问题。",
    formula="count(问题: 阶段 = 完成)",
    unit="个",
    kind=Kind.COUNT,
    source="infra",
    levels=_INFRA_LEVELS,
)
def _infra_done(ctx: Context) -> int:
    return ctx.infra.done


@indicator(
    "infra.open",
    "未解决问题数",
    definition="问题清单中尚未完成的问题（提出、论证、立项、实施、验收中）。",
    formula="count(问题: 阶段 ≠ 完成)",
    unit="个",
    kind=Kind.COUNT,
    source="infra",
    levels=_INFRA_LEVELS,
)
def _infra_open(ctx: Context) -> int:
    return ctx.infra.open


@indicator(
    "infra.budget",
    "预算金额",
    definition="问题清单中各问题的预算之和。",
    formula="Σ 预算",
    unit="元",
    kind=Kind.MONEY,
    source="infra",
    levels=_INFRA_LEVELS,
)
def _infra_budget(ctx: Context) -> Decimal:
    return ctx.infra.budget


@indicator(
    "infra.spent",
    "投入资金",
    definition="问题清单中各问题的实际花费之和（未完成的问题已花的也计）。",
    formula="Σ 实际花费",
    unit="元",
    kind=Kind.MONEY,
    source="infra",
    levels=_INFRA_LEVELS,
)
def _infra_spent(ctx: Context) -> Decimal:
    return ctx.infra.actual


# ------------------------------------------------------------------------------- services
SOURCES["services"] = "就近办（开放的服务网点，本级及下级行政区所办，截至目前）"


@indicator(
    "services.points",
    "服务网点数",
    definition="本行政区及其下级行政区开办的、开放中的自助/代办服务网点。",
    formula="count(网点: 开放 且 所属行政区在本区内)",
    unit="个",
    kind=Kind.COUNT,
    source="services",
    levels=REGIONS,
)
def _service_points(ctx: Context) -> int:
    return ctx.service_points["points"]


@indicator(
    "services.items",
    "可办服务事项数",
    definition="这些网点可办的在办事项（同一事项在几个网点可办只计一次）。",
    formula="count(distinct 事项: 在办 且 某网点可办)",
    unit="项",
    kind=Kind.COUNT,
    source="services",
    levels=REGIONS,
)
def _service_items(ctx: Context) -> int:
    return ctx.service_points["items"]


# ----------------------------------------------------------------------------------- jobs
SOURCES["jobs"] = "家门口就业（在岗按目前状态，创客按本月销售，岗位按月末有效）"
_JOBS = (
    (
        "jobs.open_postings",
        "在招岗位数",
        "月末仍在招（发布中、未过有效期、尚有空缺）的岗位。",
        "count(岗位: 发布中 且 有效期 ≥ 月末 且 已招 < 名额)",
        "个",
        None,
    ),
    (
        "jobs.placements",
        "上岗人次",
        "目前上岗的求职登记（一人两份兼职计两次）。",
        "count(申请: 阶段 = 上岗)",
        "人次",
        "placements",
    ),
    (
        "jobs.hired_in_own_compound",
        "本小区业主就业人数",
        "在本人所住小区的社会化物业上岗的业主。",
        "count(distinct 人: 上岗 且 雇主 = 本小区社会化物业 且 是业主)",
        "人",
        "hired_in_own_compound",
    ),
    (
        "jobs.at_home",
        "居家就业人数",
        "目前在居家岗位上岗的人。",
        "count(distinct 人: 上岗 且 居家岗位)",
        "人",
        "at_home",
    ),
    (
        "jobs.makers",
        "创客人数",
        "本月登记了销售的创客。",
        "count(distinct 人: 本月有销售记录)",
        "人",
        "makers",
    ),
    (
        "jobs.more_income",
        "增收人数",
        "目前上岗或本月创客销售大于零的人。",
        "count(上岗的人 ∪ 本月销售 > 0 的人)",
        "人",
        "more_income",
    ),
    (
        "jobs.trained",
        "培训结业人次",
        "技能培训结业的报名（截至目前）。",
        "count(报名: 已结业)",
        "人次",
        "course_completions",
    ),
)


def _job_indicator(code, name, definition, formula, unit, attr) -> None:
    @indicator(
        code,
        name,
        definition=definition,
        formula=formula,
        unit=unit,
        kind=Kind.COUNT,
        source="jobs",
        levels=REGIONS,
    )
    def _job(ctx: Context) -> int:
        return ctx.open_postings if attr is None else getattr(ctx.jobs, attr)


for _job_row in _JOBS:
    _job_indicator(*_job_row)


def load() -> None:
    """Imported for its registrations (``AppConfig.ready``)."""
