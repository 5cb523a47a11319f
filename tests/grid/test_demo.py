"""The demo's grid and party tree for 兴东社区, with the article's numbers."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count

from linli.cases.models import CasePhoto
from linli.cases.selectors import cases_for
from linli.commons.models import Voucher
from linli.grid import selectors
from linli.grid.models import Grid, GridLevel, Holding, Membership, VisitPhoto
from linli.infra.models import Photo as InfraPhoto
from linli.ledger.models import Household, Region
from linli.ledger.selectors import households_for
from linli.party.models import Member, Organisation, OrgKind


@pytest.mark.django_db
def test_demo_grid_and_party_of_xingdong():
    out = StringIO()
    call_command("demo", "--seed", "2026", "--scale", "0.02", stdout=out)
    assert "133 邻" in out.getvalue() and "linzhang" in out.getvalue()
    xingdong = Region.objects.get(name="兴东社区")
    live = Grid.objects.filter(community=xingdong, dissolved_at__isnull=True)
    counts = dict(live.values_list("level").annotate(n=Count("id")))
    assert counts == {GridLevel.AREA: 5, GridLevel.GROUP: 5, GridLevel.NEIGHBOUR: 133}
    # every household in exactly one 邻
    open_m = Membership.objects.filter(end__isnull=True, neighbour__community=xingdong)
    assert open_m.count() == 1786
    assert open_m.values("household").distinct().count() == 1786
    assert Household.objects.filter(unit__building__compound__community=xingdong).count() == 1786
    # every post held; 邻长 live in their 邻
    assert Holding.objects.filter(post__grid__in=live, end__isnull=True).count() == 143
    admin = get_user_model().objects.get(username="admin")
    assert selectors.leaders_outside_area(actor=admin, community=xingdong) == []
    # the party tree: 党总支 → 5 联建党支部 → 7 党小组, members who 亮身份
    kinds = dict(
        Organisation.objects.filter(community=xingdong).values_list("kind").annotate(n=Count("id"))
    )
    assert kinds == {OrgKind.GENERAL_BRANCH: 1, OrgKind.JOINT_BRANCH: 5, OrgKind.SMALL_GROUP: 7}
    members = Member.objects.filter(organisation__community=xingdong)
    assert members.count() > 100
    assert members.filter(shows_identity=True).count() > members.count() * 0.7
    # the 邻长 login sees only his ~13 households
    linzhang = get_user_model().objects.get(username="linzhang")
    mine = households_for(linzhang).count()
    assert 8 <= mine <= 20
    # a rebuild gives the same grid (codes and sizes) and no duplicates
    before = sorted((g.code, n) for g, n in ((g, selectors.households_in(g).count()) for g in live))
    call_command("demo", "--seed", "2026", "--scale", "0.02", stdout=StringIO())
    live = Grid.objects.filter(community=xingdong, dissolved_at__isnull=True)
    after = sorted((g.code, selectors.households_in(g).count()) for g in live)
    assert after == before
    assert get_user_model().objects.filter(username="linzhang").count() == 1
    # photos: some of the 邻长's visits and of the cases he sees have them; a rebuild removed
    # the files of the first build (every file on disk belongs to a row)
    linzhang = get_user_model().objects.get(username="linzhang")
    assert VisitPhoto.objects.filter(visit__visitor=linzhang).exists()
    assert CasePhoto.objects.filter(case__in=cases_for(linzhang)).exists()
    media = Path(settings.MEDIA_ROOT)
    on_disk = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}
    rows = {p.image.name for p in CasePhoto.objects.all()}
    rows |= {p.image.name for p in VisitPhoto.objects.all()}
    rows |= {v.file.name for v in Voucher.objects.all()}
    rows |= {p.image.name for p in InfraPhoto.objects.all()}
    assert on_disk == rows
