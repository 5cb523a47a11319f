"""The default scoring checklists (评分细则) of the four kinds; a community changes them in the
admin. Each list totals 100 points, so the star thresholds read as points too."""

from django.db import migrations

CHECKLISTS = {
    "beautiful_family": [
        ("爱国守法，家庭成员无违法违纪", 20),
        ("家庭和睦，孝老爱亲", 25),
        ("重视家教家风，子女教育良好", 20),
        ("邻里互助，热心公益", 20),
        ("勤俭节约，绿色生活", 15),
    ],
    "civilised_household": [
        ("遵守管理规约，按时交纳物业费", 20),
        ("不乱停乱放、不乱搭乱建、不飞线充电", 25),
        ("垃圾分类，门前楼道整洁", 20),
        ("邻里和睦，无纠纷投诉", 20),
        ("参加社区活动和志愿服务", 15),
    ],
    "good_person": [
        ("助人为乐或见义勇为的事迹", 35),
        ("诚实守信，邻里口碑好", 25),
        ("敬业奉献或孝老爱亲", 20),
        ("事迹可核实，群众认可", 20),
    ],
    "star_building": [
        ("楼道整洁，无堆放杂物", 20),
        ("无飞线充电，电动车不进楼", 20),
        ("无乱搭乱建、高空抛物", 20),
        ("邻里和睦，互助有序", 15),
        ("物业费收缴率高，按时交纳", 15),
        ("楼栋长、党员带头作用明显", 10),
    ],
}


def seed(apps, schema_editor):
    criterion = apps.get_model("civility", "Criterion")
    for kind, lines in CHECKLISTS.items():
        if criterion.objects.filter(kind=kind).exists():
            continue
        criterion.objects.bulk_create(
            criterion(kind=kind, title=title, max_points=points, position=i)
            for i, (title, points) in enumerate(lines, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("civility", "0001_awards")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
