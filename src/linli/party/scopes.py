"""How the party organisation reaches the places an actor holds (``linli.core.policy``):
scoped like the ledger's regions — the region roles see their region's communities, the
others the communities of the compounds they see."""

from linli.core.policy import register, via_region


def register_scopes() -> None:
    from .models import CoBuildingUnit, Member, Organisation, ThemeDay

    register(Organisation, via_region("community"))
    register(CoBuildingUnit, via_region("organisation__community"))
    register(Member, via_region("organisation__community"))
    register(ThemeDay, via_region("organisation__community"))
