"""How owners' self-governance reaches the places an actor holds (``linli.core.policy``).

Everything belongs to a compound and is seen by those who see the compound, but for two
things: a draft proposal is for those who run the compound's self-governance (the officials
and workers over it, ``Capability.SELFGOV_MANAGE``, and its committee,
``Capability.SELFGOV_COMMITTEE``, whose compound is the only one they see) and its proposer;
a ballot is for those who run the vote and the owner who cast it (the owner's own login, or a
resident whose household and name are the owner's ledger row).
"""

from __future__ import annotations

from django.db.models import Q

from linli.core.policy import (
    Actor,
    Capability,
    Filter,
    any_of,
    compound_q,
    register,
    roles_with,
    via_compound,
)


def _p(prefix: str) -> str:
    return f"{prefix}__" if prefix else ""


def runs_selfgov(actor: Actor) -> bool:
    """A role that runs the self-governance of every compound it sees."""
    return actor.role in (
        roles_with(Capability.SELFGOV_MANAGE) | roles_with(Capability.SELFGOV_COMMITTEE)
    )


def own_owners_q(actor: Actor, prefix: str = "") -> Filter:
    """The active owners a login acts for (``prefix`` leads to a ``selfgov.Owner``)."""
    profile = actor.profile
    if profile is None:
        return None
    p = _p(prefix)
    q = Q(**{f"{p}user_id": profile.user_id})
    if actor.role in roles_with(Capability.SELFGOV_ACT_AS_OWNER) and actor.household_id:
        q |= Q(
            **{
                f"{p}resident__household_id": actor.household_id,
                f"{p}resident__name": profile.display_name,
            }
        )
    return q & Q(**{f"{p}active": True})


def _managed(path: str):
    def rule(actor: Actor, action: str) -> Filter:
        return compound_q(actor, path) if runs_selfgov(actor) else None

    return rule


def _proposal_rule(actor: Actor, action: str) -> Filter:
    from .models import ProposalStatus

    q = compound_q(actor, "compound")
    if q is None or runs_selfgov(actor):
        return q
    mine = Q(proposed_by_id=actor.profile.user_id) if actor.profile is not None else Q(pk=None)
    return q & (Q(status=ProposalStatus.PUBLISHED) | mine)


def _ballot_rule(prefix: str = ""):
    p = _p(prefix)
    return any_of(
        _managed(f"{p}vote__compound"),
        lambda actor, action: own_owners_q(actor, f"{p}owner"),
    )


def register_scopes() -> None:
    from .models import (
        Ballot,
        BallotEvent,
        Committee,
        CommitteeMember,
        CompoundSettings,
        Nomination,
        Owner,
        Ownership,
        Proposal,
        RollOwner,
        RollUnit,
        Vote,
    )

    register(CompoundSettings, via_compound("compound"))
    register(Owner, via_compound("compound"))
    register(Ownership, via_compound("owner__compound"))
    register(Committee, via_compound("compound"))
    register(CommitteeMember, via_compound("committee__compound"))
    register(Nomination, via_compound("compound"))
    register(Proposal, _proposal_rule)
    register(Vote, via_compound("compound"))
    register(RollOwner, via_compound("vote__compound"))
    register(RollUnit, via_compound("vote__compound"))
    register(Ballot, _ballot_rule())
    register(BallotEvent, _ballot_rule("ballot"))
