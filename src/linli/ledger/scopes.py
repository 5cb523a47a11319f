"""How the ledger's rows reach the places an actor holds (``linli.core.policy``)."""

from linli.core.policy import register, via_compound, via_household, via_region


def register_scopes() -> None:
    from .models import Building, Compound, Household, Region, Resident, Unit

    register(Region, via_region())
    register(Compound, via_compound())
    register(Building, via_compound("compound"))
    register(Unit, via_compound("building__compound"))
    register(Household, via_household())
    register(Resident, via_household("household"))
