"""Where the person importing may write, and the communities and compounds there by name."""

from __future__ import annotations

from dataclasses import dataclass, field

from linli.core.policy import Capability, can
from linli.ledger import selectors
from linli.ledger.models import Compound, Region, RegionLevel

from .. import values as v


@dataclass(frozen=True)
class CommunityMatch:
    """What a 社区 cell names: a community id, or None with the reason and its code."""

    community_id: int | None
    reason: str = ""
    code: str = ""


@dataclass
class Scope:
    """The actor's region (``prefix`` of its path; "" = everywhere, for the system) and, once
    :meth:`load` ran, the communities and compounds in it by the names the file would use."""

    prefix: str = ""
    actor_community_id: int | None = None  # a community worker's own community
    communities: dict[str, list[int]] = field(default_factory=dict)  # name → ids
    compounds: dict[str, list[int]] = field(default_factory=dict)  # name → community ids
    _matches: dict[str, CommunityMatch] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def of(cls, actor) -> Scope | None:
        """The actor's scope; None when the actor may not edit the ledger. ``actor`` None is the
        system (the command line), which may write anywhere."""
        if actor is None:
            return cls()
        prefix = selectors._region_path_prefix(actor)
        if prefix is None or not can(actor, Capability.LEDGER_EDIT):
            return None
        profile = getattr(actor, "profile", None)
        region = getattr(profile, "region", None) if profile else None
        community_id = (
            region.pk if region is not None and region.level == RegionLevel.COMMUNITY else None
        )
        return cls(prefix=prefix, actor_community_id=community_id)

    def load(self) -> None:
        communities = Region.objects.filter(level=RegionLevel.COMMUNITY)
        if self.prefix:
            communities = communities.filter(path__startswith=self.prefix)
        for pk, name in communities.values_list("pk", "name"):
            self.communities.setdefault(v.cell_text(name), []).append(pk)
        compounds = Compound.objects.all()
        if self.prefix:
            compounds = compounds.filter(community__path__startswith=self.prefix)
        for name, community_id in compounds.values_list("name", "community_id"):
            self.compounds.setdefault(v.name_text(v.cell_text(name)), []).append(community_id)

    def compound_communities(self, name: str) -> list[int]:
        """The communities in scope with a compound of this name in the ledger."""
        return self.compounds.get(name, [])

    def community_by_name(self, name: str) -> CommunityMatch:
        """The community a 社区 cell names (``兴东`` is ``兴东社区`` too)."""
        cached = self._matches.get(name)
        if cached is not None:
            return cached
        ids = self.communities.get(name)
        if ids is None and not name.endswith("社区"):
            ids = self.communities.get(name + "社区")
        if ids and len(ids) == 1:
            result = CommunityMatch(ids[0])
        elif ids:
            result = CommunityMatch(
                None, f"有{len(ids)}个名为“{name}”的社区，无法确定是哪一个", "ledger.ambiguous"
            )
        elif (
            self.prefix
            and Region.objects.filter(
                level=RegionLevel.COMMUNITY, name__in=[name, name + "社区"]
            ).exists()
        ):
            result = CommunityMatch(None, f"社区“{name}”不在您的管辖范围内", "ledger.out_of_scope")
        else:
            result = CommunityMatch(None, f"社区“{name}”不存在", "ledger.unknown_community")
        self._matches[name] = result
        return result
