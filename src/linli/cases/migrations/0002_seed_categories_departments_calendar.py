"""Seed the article's categories, the usual departments, and the 2025–2026 working calendar.

The calendar rows come from the ``holidays`` library (China, with its adjusted working
weekends 调休); officials edit or add years the library does not know yet.
"""

import datetime as dt

from django.db import migrations

DEPARTMENTS = [
    ("fire", "消防"),
    ("urban", "城管"),
    ("housing", "住建"),
    ("finance", "财政"),
    ("hrss", "人社"),
    ("police", "公安"),
    ("justice", "司法所"),
    ("civil", "民政"),
    ("power", "供电"),
    ("water", "供水"),
]

# code, name, default level (1 邻长 2 组长 3 片长 4 社区), working days, suggested department
CATEGORIES = [
    ("facility_safety", "设施安全", 4, 5, "housing"),
    ("neighbour_dispute", "邻里纠纷", 1, 5, "justice"),
    ("legal_aid", "法律援助", 4, 10, "justice"),
    ("flying_lead_charging", "飞线充电", 1, 2, "fire"),
    ("illegal_parking", "乱停乱放", 1, 3, "police"),
    ("illegal_construction", "乱搭乱建", 3, 10, "urban"),
    ("high_altitude_throwing", "高空抛物", 2, 3, "police"),
    ("sanitation", "环境卫生", 1, 3, "urban"),
    ("security_hazard", "治安隐患", 3, 2, "police"),
    ("property_service", "物业服务", 4, 5, "housing"),
    ("other", "其他", 1, 5, None),
]

CALENDAR_YEARS = (2025, 2026)


def seed(apps, schema_editor):
    import holidays

    Department = apps.get_model("cases", "Department")
    Category = apps.get_model("cases", "Category")
    WorkCalendarDay = apps.get_model("cases", "WorkCalendarDay")
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name})
    for sort, (code, name, level, days, dept) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "default_level": level,
                "time_limit_days": days,
                "default_department": departments.get(dept),
                "sort": sort,
            },
        )
    cn = holidays.China(years=CALENDAR_YEARS, language="zh_CN")
    workdays = set(getattr(cn, "weekend_workdays", ()))
    rows = []
    for year in CALENDAR_YEARS:
        day = dt.date(year, 1, 1)
        while day.year == year:
            if day in workdays:
                working, note = True, "调休上班"
            elif day in cn:
                working, note = False, str(cn.get(day))[:60]
            else:
                working, note = day.weekday() < 5, ""
            rows.append(WorkCalendarDay(date=day, is_working_day=working, note=note))
            day += dt.timedelta(days=1)
    existing = set(WorkCalendarDay.objects.values_list("date", flat=True))
    WorkCalendarDay.objects.bulk_create([r for r in rows if r.date not in existing])


def unseed(apps, schema_editor):
    apps.get_model("cases", "WorkCalendarDay").objects.filter(source="library").delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
