"""家门口就业: the community station (驿站) of the county's 零工 market (人社部发〔2023〕65号).

Employers post jobs with schema.org ``JobPosting``'s fields; the station registers job seekers
from the ledger's residents (skills, weekly availability, work at home), matches them to
postings by availability, skills and distance, and follows each application 推荐 → 面试 →
录用 → 上岗 (or 未录用). A placement takes one of the posting's openings: ``Posting.filled``
moves only by a conditional ``UPDATE … WHERE filled < total_openings`` and a check constraint
holds it there, so no posting is ever over-filled, however many placements race for the last
opening. Training courses have sessions, enrolments and attendance; a 创客's monthly sales are
recorded per month. The figures (hired in their own compound, flexible work at home, 创客
and their sales, residents with more income) are computed from these rows by
``selectors.figures``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from linli.core.fields import EncryptedTextField
from linli.core.policy import RestrictedQuerySet


class EmployerKind(models.TextChoices):
    SOCIAL_PROPERTY = "social_property", "社会化物业"
    COMPANY = "company", "企业"
    WORKSHOP = "workshop", "社区车间"
    ECOMMERCE = "ecommerce", "电商"
    SHOP = "shop", "个体商户"
    HOUSEHOLD = "household", "家庭雇主"
    PUBLIC = "public", "公益性岗位"
    OTHER = "other", "其他"


class Employer(models.Model):
    """One employer the station works with (用人单位): a social property service of one
    compound, a company, a community workshop, an e-commerce business …; ``staff`` are the
    accounts that may post for it and follow its applicants (they see what hiring needs)."""

    community = models.ForeignKey(
        "ledger.Region",
        on_delete=models.PROTECT,
        related_name="job_employers",
        verbose_name="登记社区（驿站）",
    )
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=EmployerKind.choices)
    compound = models.ForeignKey(
        "ledger.Compound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_employers",
        verbose_name="服务小区",
        help_text="社会化物业服务的小区（“在本小区就业”据此统计）",
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = EncryptedTextField("联系电话", blank=True, default="")
    address = models.CharField("地址", max_length=200, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="job_employers", verbose_name="招聘账号"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "用人单位"
        verbose_name_plural = verbose_name
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="jobs_employer_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class EmploymentType(models.TextChoices):
    """schema.org ``employmentType`` values (the 零工 of the county market are PER_DIEM)."""

    FULL_TIME = "FULL_TIME", "全职"
    PART_TIME = "PART_TIME", "兼职"
    PER_DIEM = "PER_DIEM", "日结零工"
    TEMPORARY = "TEMPORARY", "临时工"
    CONTRACTOR = "CONTRACTOR", "计件/承包"
    OTHER = "OTHER", "其他"


class SalaryUnit(models.TextChoices):
    """schema.org ``QuantitativeValue.unitText`` of ``baseSalary``."""

    HOUR = "HOUR", "元/小时"
    DAY = "DAY", "元/天"
    MONTH = "MONTH", "元/月"


class PostingStatus(models.TextChoices):
    OPEN = "open", "招聘中"
    CLOSED = "closed", "已结束"


class Posting(models.Model):
    """One job posting (招聘信息) with schema.org ``JobPosting``'s fields.

    ``days`` + ``start_time``/``end_time`` are the working hours in a form matching can read
    (ISO weekdays 1–7, local times); ``work_hours`` is the same as people write it. ``filled``
    counts the current placements (上岗) and never passes ``total_openings``.
    """

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="postings", verbose_name="用人单位"
    )
    community = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="+", verbose_name="发布社区"
    )
    title = models.CharField("岗位名称", max_length=100)
    description = models.TextField("岗位描述", max_length=2000)
    date_posted = models.DateField("发布日期")
    valid_through = models.DateField("截止日期")
    employment_type = models.CharField("用工形式", max_length=20, choices=EmploymentType.choices)
    at_home = models.BooleanField(
        "居家就业", default=False, help_text="可在家完成（手工、客服、电商等）"
    )
    compound = models.ForeignKey(
        "ledger.Compound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_postings",
        verbose_name="工作小区",
    )
    address = models.CharField("工作地点", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    salary_min = models.DecimalField("薪酬（起）", max_digits=10, decimal_places=2)
    salary_max = models.DecimalField(
        "薪酬（至）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    salary_unit = models.CharField("薪酬单位", max_length=10, choices=SalaryUnit.choices)
    work_hours = models.CharField("工作时间", max_length=100, blank=True)
    days = models.JSONField("工作日", default=list, blank=True, help_text="1=周一 … 7=周日")
    start_time = models.TimeField("上班时间", null=True, blank=True)
    end_time = models.TimeField("下班时间", null=True, blank=True)
    skills = models.JSONField("所需技能", default=list, blank=True)
    total_openings = models.PositiveIntegerField("招聘人数")
    filled = models.PositiveIntegerField("已上岗", default=0)
    status = models.CharField(
        "状态", max_length=10, choices=PostingStatus.choices, default=PostingStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发布人",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "招聘信息"
        verbose_name_plural = verbose_name
        ordering = ["-date_posted", "-id"]
        indexes = [models.Index(fields=["status", "valid_through"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(filled__lte=F("total_openings")), name="jobs_posting_not_overfilled"
            ),
            models.CheckConstraint(
                condition=Q(total_openings__gte=1), name="jobs_posting_openings"
            ),
            models.CheckConstraint(
                condition=Q(valid_through__gte=F("date_posted")), name="jobs_posting_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def openings_left(self) -> int:
        return self.total_openings - self.filled

    def salary_text(self) -> str:
        """``120–150.5 元/天``: the amounts without trailing zeros."""
        unit = self.get_salary_unit_display()
        low = _yuan(self.salary_min)
        if self.salary_max and self.salary_max != self.salary_min:
            return f"{low}–{_yuan(self.salary_max)} {unit}"
        return f"{low} {unit}"


def _yuan(amount) -> str:
    return f"{amount.normalize():f}" if amount is not None else ""


class Seeker(models.Model):
    """One job seeker (求职者) at the station: a ledger resident with their skills, whether
    they want work at home, and (in ``windows``) the weekly hours they are free — a 陪读妈妈's
    school hours. ``is_maker`` marks a 创客 (e-commerce) whose monthly sales are recorded."""

    resident = models.OneToOneField(
        "ledger.Resident", on_delete=models.PROTECT, related_name="job_seeker", verbose_name="居民"
    )
    community = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="+", verbose_name="登记社区"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="job_seekers",
        verbose_name="本人账号",
    )
    skills = models.JSONField("技能", default=list, blank=True)
    wants_home_work = models.BooleanField("希望居家就业", default=False)
    is_maker = models.BooleanField("电商创客", default=False)
    max_distance_km = models.DecimalField(
        "可接受距离（公里）", max_digits=5, decimal_places=1, null=True, blank=True
    )
    note = models.CharField("求职意向", max_length=200, blank=True)
    registered_on = models.DateField("登记日期")
    active = models.BooleanField("求职中", default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "求职者"
        verbose_name_plural = verbose_name
        ordering = ["-registered_on", "-id"]

    def __str__(self) -> str:
        return f"求职者#{self.pk}"


class Window(models.Model):
    """One weekly window a seeker is free (ISO weekday, from … to, local time)."""

    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField("星期", help_text="1=周一 … 7=周日")
    start = models.TimeField("起")
    end = models.TimeField("止")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "空闲时段"
        verbose_name_plural = verbose_name
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7) & Q(end__gt=F("start")),
                name="jobs_window_valid",
            )
        ]

    def __str__(self) -> str:
        return f"周{self.weekday} {self.start:%H:%M}–{self.end:%H:%M}"


class Stage(models.TextChoices):
    RECOMMENDED = "recommended", "推荐"
    INTERVIEW = "interview", "面试"
    OFFERED = "offered", "录用"
    PLACED = "placed", "上岗"
    DECLINED = "declined", "未录用"
    LEFT = "left", "离岗"


#: the stages an application may move to from each stage
NEXT_STAGES: dict[str, tuple[str, ...]] = {
    Stage.RECOMMENDED: (Stage.INTERVIEW, Stage.DECLINED),
    Stage.INTERVIEW: (Stage.OFFERED, Stage.DECLINED),
    Stage.OFFERED: (Stage.PLACED, Stage.DECLINED),
    Stage.PLACED: (Stage.LEFT,),
    Stage.DECLINED: (),
    Stage.LEFT: (),
}
OPEN_STAGES = (Stage.RECOMMENDED, Stage.INTERVIEW, Stage.OFFERED)


class Application(models.Model):
    """One seeker for one posting and where it stands in 推荐 → 面试 → 录用 → 上岗 / 未录用.

    ``placed_on`` is the day the person started (上岗): then the posting has one opening less.
    A person may hold several placements (part-time jobs) at once."""

    seeker = models.ForeignKey(
        Seeker, on_delete=models.PROTECT, related_name="applications", verbose_name="求职者"
    )
    posting = models.ForeignKey(
        Posting, on_delete=models.PROTECT, related_name="applications", verbose_name="岗位"
    )
    stage = models.CharField(
        "进度", max_length=15, choices=Stage.choices, default=Stage.RECOMMENDED, db_index=True
    )
    interview_at = models.DateTimeField("面试时间", null=True, blank=True)
    placed_on = models.DateField("上岗日期", null=True, blank=True)
    left_on = models.DateField("离岗日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="推荐人",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "求职申请"
        verbose_name_plural = verbose_name
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["seeker", "posting"], name="jobs_one_application")
        ]

    def __str__(self) -> str:
        return f"申请#{self.pk}"


class ApplicationEvent(models.Model):
    """One step of an application (append-only): who moved it, from what to what, when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    before = models.CharField("原进度", max_length=15, blank=True)
    after = models.CharField("新进度", max_length=15)
    note = models.CharField("说明", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "申请进度记录"
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.before}→{self.after}"


class Course(models.Model):
    """One public training course (公益培训) the station runs: a skill, sessions, capacity."""

    community = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    title = models.CharField("课程名称", max_length=100)
    skill = models.CharField("所授技能", max_length=30)
    provider = models.CharField("承办单位", max_length=100, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    starts_on = models.DateField("开课日期")
    capacity = models.PositiveIntegerField("名额")
    pass_ratio = models.DecimalField(
        "结业出勤率", max_digits=3, decimal_places=2, default=0.8, help_text="出勤达此比例即结业"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "培训课程"
        verbose_name_plural = verbose_name
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(capacity__gte=1), name="jobs_course_cap")]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One class of a course on one day."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField("日期")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "课次"
        verbose_name_plural = verbose_name
        ordering = ["day", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "day"], name="jobs_session_day")]

    def __str__(self) -> str:
        return f"{self.day}"


class Enrolment(models.Model):
    """One seeker on one course; ``completed`` once attendance reaches the course's ratio."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    seeker = models.ForeignKey(Seeker, on_delete=models.PROTECT, related_name="enrolments")
    enrolled_on = models.DateField("报名日期")
    completed = models.BooleanField("已结业", default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = verbose_name
        ordering = ["-enrolled_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "seeker"], name="jobs_one_enrolment")
        ]

    def __str__(self) -> str:
        return f"报名#{self.pk}"


class Attendance(models.Model):
    """One enrolled seeker present at one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "出勤"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="jobs_attend_once")
        ]

    def __str__(self) -> str:
        return f"出勤#{self.pk}"


class MakerSales(models.Model):
    """One 创客's sales in one month (电商订单额), as the station records it."""

    seeker = models.ForeignKey(Seeker, on_delete=models.PROTECT, related_name="sales")
    month = models.DateField("月份", help_text="当月 1 日")
    amount = models.DecimalField("订单额（元）", max_digits=12, decimal_places=2)
    orders = models.PositiveIntegerField("订单数", default=0)
    channel = models.CharField("平台", max_length=50, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "创客月销售"
        verbose_name_plural = verbose_name
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["seeker", "month"], name="jobs_sales_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="jobs_sales_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.amount}"
