"""factory_boy factories for the ledger and accounts."""

import factory
from django.contrib.auth import get_user_model

from linli.accounts.models import Profile
from linli.ledger import services
from linli.ledger.models import Building, Compound, Household, RegionLevel, Resident, Unit


def region_tree():
    """湖南省 → 衡阳市 → 衡东县 → 洣水镇 → 兴东社区 and 新塘社区 (codes where known)."""
    province = services.region_ensure(
        name="湖南省", level=RegionLevel.PROVINCE, code="430000000000"
    )
    city = services.region_ensure(
        name="衡阳市", level=RegionLevel.CITY, parent=province, code="430400000000"
    )
    county = services.region_ensure(
        name="衡东县", level=RegionLevel.COUNTY, parent=city, code="430424000000"
    )
    town = services.region_ensure(
        name="洣水镇", level=RegionLevel.TOWN, parent=county, code="430424100000"
    )
    xingdong = services.region_ensure(name="兴东社区", level=RegionLevel.COMMUNITY, parent=town)
    xintang = services.region_ensure(name="新塘社区", level=RegionLevel.COMMUNITY, parent=town)
    return {
        "province": province,
        "city": city,
        "county": county,
        "town": town,
        "xingdong": xingdong,
        "xintang": xintang,
    }


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pw-linli-test")
        if create:
            self.save(update_fields=["password"])


def make_user(username: str, role: str, region, display_name: str = ""):
    user = UserFactory(username=username)
    Profile.objects.create(user=user, role=role, region=region, display_name=display_name)
    return user


class CompoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compound

    name = factory.Sequence(lambda n: f"小区{n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    compound = factory.SubFactory(CompoundFactory)
    name = factory.Sequence(lambda n: f"{n + 1}栋")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    name = "1单元"


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    unit = factory.SubFactory(UnitFactory)
    room = factory.Sequence(lambda n: f"{n // 4 + 1}{n % 4 + 1:02d}")
    area = factory.Faker("pydecimal", left_digits=2, right_digits=2, min_value=40, max_value=140)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Faker("name", locale="zh_CN")
