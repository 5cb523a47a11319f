"""Writes of owners' self-governance: owners from the ledger, the committee, proposals, votes
and ballots.

Each function is keyword-only and atomic, checks the actor may act and the rule holds, then
writes — or raises :class:`DomainError` and changes nothing. ``when`` backdates a step (the
demo) and defaults to now. The tally is the pure :func:`linli.selfgov.tally.tally` over the
vote's frozen roll.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core import crypto
from linli.core.errors import Forbidden, Invalid
from linli.core.policy import Capability, actor_of, can
from linli.ledger.models import Compound, Household, Resident

from .models import (
    Ballot,
    BallotChannel,
    BallotChoice,
    BallotEvent,
    Committee,
    CommitteeMember,
    CompoundSettings,
    Nomination,
    Owner,
    OwnerKind,
    Ownership,
    OwnershipSource,
    Post,
    Proposal,
    ProposalStatus,
    RollOwner,
    RollUnit,
    Vote,
    VoteStatus,
)
from .tally import ITEMS, Tally, UnitShare, tally, thresholds

RESULT_DAYS = 3  # results published within 3 days of the close (e.g. Beijing 2024 art. 35/37)
TERM_YEARS = 5  # a committee term, at most five years in most local rules


def _when(when: dt.datetime | None) -> dt.datetime:
    return when or timezone.now()


# ---------------------------------------------------------------- who may act


def manages(actor, compound: Compound) -> bool:
    """Officials and workers whose region holds the compound, and its committee members."""
    if can(actor, Capability.SELFGOV_COMMITTEE):
        return actor_of(actor).compound_id == compound.pk
    if can(actor, Capability.SELFGOV_MANAGE):
        return Compound.objects.restrict(actor).filter(pk=compound.pk).exists()
    return False


def _require_manager(actor, compound: Compound) -> None:
    if actor is not None and not manages(actor, compound):
        raise Forbidden(f"无权管理“{compound.name}”的业主自治事务")


def owner_acts_for(actor, owner: Owner) -> bool:
    """The owner's own login: linked to the owner, or a resident whose household and name
    are the owner's ledger row."""
    if actor is None or not actor.is_authenticated:
        return False
    if owner.user_id == actor.pk:
        return True
    profile: Any = getattr(actor, "profile", None)
    if not can(actor, Capability.SELFGOV_ACT_AS_OWNER) or owner.resident_id is None:
        return False
    resident = owner.resident
    if resident is None:  # resident_id is set
        raise AssertionError("owner without its resident")
    return (
        resident.household_id == profile.household_id
        and bool(profile.display_name)
        and resident.name == profile.display_name
    )


def settings_for(compound: Compound) -> CompoundSettings:
    found = CompoundSettings.objects.filter(compound=compound).first()
    return found or CompoundSettings(compound=compound)


@transaction.atomic
def settings_update(
    *, actor, compound: Compound, notice_days: int, follow_majority: bool
) -> CompoundSettings:
    _require_manager(actor, compound)
    if notice_days < 1:
        raise Invalid("公告提前天数至少为 1 天", code="selfgov.bad_notice_days")
    row, _ = CompoundSettings.objects.update_or_create(
        compound=compound,
        defaults={"notice_days": notice_days, "follow_majority": follow_majority},
    )
    return row


# ---------------------------------------------------------------- owners from the ledger


def unit_label(household: Household) -> str:
    unit = household.unit
    return f"{unit.building.name}-{unit.name}-{household.room}"


def _person_key(resident: Resident) -> str:
    """``idh:`` + the ID number's keyed hash (its first 32 hex digits: no number in clear in
    this table), else the ledger resident."""
    if resident.id_number:
        digest = crypto.id_number_hash(resident.id_number)
        if digest is None:
            raise ValueError("ID number without a hash")
        return "idh:" + digest[:32]
    return f"resident:{resident.pk}"


@dataclass
class _WantedOwners:
    """What the ledger says a compound's owners and ownerships should be."""

    owners: dict[str, dict] = field(default_factory=dict)  # key → owner fields
    shares: dict[int, list[str]] = field(default_factory=dict)  # household id → keys in order


def _wanted_owners(compound: Compound) -> _WantedOwners:
    households = list(
        Household.objects.filter(unit__building__compound=compound)
        .select_related("unit__building")
        .order_by("id")
    )
    owners_by_household: dict[int, list[Resident]] = defaultdict(list)
    for r in Resident.objects.filter(
        household__unit__building__compound=compound, is_owner=True
    ).order_by("household_id", "id"):
        owners_by_household[r.household_id].append(r)

    manual = set(
        Ownership.objects.filter(
            household__unit__building__compound=compound, source=OwnershipSource.MANUAL
        ).values_list("household_id", flat=True)
    )
    wanted = _WantedOwners()
    for h in households:
        wanted.shares[h.pk] = _household_owner_keys(
            h, owners_by_household[h.pk], h.pk in manual, wanted.owners
        )
    return wanted


def _household_owner_keys(
    h: Household, owner_residents: list[Resident], manual: bool, owners: dict[str, dict]
) -> list[str]:
    """The owner keys of one household in order; adds their fields to ``owners``."""
    if h.developer_unsold:
        owners["developer"] = {"kind": OwnerKind.DEVELOPER, "name": "建设单位（开发商）"}
        return ["developer"]
    if owner_residents:
        keys = []
        for r in owner_residents:
            key = _person_key(r)
            keys.append(key)
            owners[key] = {"kind": OwnerKind.PERSON, "name": r.name, "resident_id": r.pk}
        return keys
    if manual:
        return []  # the owner was recorded by hand
    key = f"unit:{h.pk}"
    owners[key] = {"kind": OwnerKind.UNIDENTIFIED, "name": f"{unit_label(h)}产权人（待核实）"}
    return [key]


@dataclass
class _SyncCounts:
    """What ``owners_sync`` changed (the keys and order of its result)."""

    owners_created: int = 0
    owners_updated: int = 0
    shares_created: int = 0
    shares_removed: int = 0


def _owners_upsert(compound: Compound, wanted: dict[str, dict], counts: _SyncCounts) -> None:
    """Create the wanted owners that are missing; update (and reactivate) the others."""
    existing = {o.key: o for o in Owner.objects.filter(compound=compound)}
    new_owners = []
    for key, fields in wanted.items():
        owner = existing.get(key)
        if owner is None:
            new_owners.append(Owner(compound=compound, key=key, active=True, **fields))
        elif _owner_refresh(owner, fields):
            counts.owners_updated += 1
    if new_owners:
        Owner.objects.bulk_create(new_owners)
        counts.owners_created = len(new_owners)


def _owner_refresh(owner: Owner, fields: dict) -> bool:
    """Bring an existing owner to ``fields`` and active; True when it was saved."""
    changed = [f for f, v in fields.items() if getattr(owner, f) != v]
    if not owner.active:
        changed.append("active")
        owner.active = True
    if not changed:
        return False
    for f in changed:
        if f != "active":
            setattr(owner, f, fields[f])
    owner.save(update_fields=changed)
    return True


@dataclass
class _SharePlan:
    """The ownership rows to delete (ids), create and renumber."""

    to_delete: list[int] = field(default_factory=list)
    to_create: list[Ownership] = field(default_factory=list)
    to_update: list[Ownership] = field(default_factory=list)

    def household(self, hid: int, want: list[int], rows: list[Ownership]) -> None:
        """Plan one household: its ledger rows follow ``want`` (owner ids in order; an owner
        also recorded by hand gets no ledger row of his own), the manual rows come after."""
        ledger_rows = [s for s in rows if s.source == OwnershipSource.LEDGER]
        manual_rows = [s for s in rows if s.source == OwnershipSource.MANUAL]
        have = {s.owner_id: s for s in ledger_rows}
        self.to_delete.extend(s.pk for s in ledger_rows if s.owner_id not in want)
        manual_owner_ids = {s.owner_id for s in manual_rows}
        for position, oid in enumerate(want):
            if oid in manual_owner_ids:
                continue
            row = have.get(oid)
            if row is None:
                self.to_create.append(Ownership(owner_id=oid, household_id=hid, position=position))
            elif row.position != position:
                row.position = position
                self.to_update.append(row)
        for offset, s in enumerate(manual_rows):
            if s.position != len(want) + offset:
                s.position = len(want) + offset
                self.to_update.append(s)


def _shares_sync(compound: Compound, wanted: dict[int, list[str]], counts: _SyncCounts) -> None:
    owner_ids = dict(Owner.objects.filter(compound=compound).values_list("key", "id"))
    current: dict[int, list[Ownership]] = defaultdict(list)
    for s in Ownership.objects.filter(household__unit__building__compound=compound).order_by(
        "household_id", "position", "id"
    ):
        current[s.household_id].append(s)
    plan = _SharePlan()
    for hid, keys in wanted.items():
        plan.household(hid, [owner_ids[k] for k in keys], current[hid])
    if plan.to_delete:
        Ownership.objects.filter(pk__in=plan.to_delete).delete()
        counts.shares_removed = len(plan.to_delete)
    if plan.to_create:
        Ownership.objects.bulk_create(plan.to_create)
        counts.shares_created = len(plan.to_create)
    if plan.to_update:
        Ownership.objects.bulk_update(plan.to_update, ["position"])


@transaction.atomic
def owners_sync(*, compound: Compound, actor=None) -> dict[str, int]:
    """Derive (or refresh) the compound's owners and ownerships from the ledger, idempotently.

    Each household is an exclusive unit. Its owners are: the developer when
    ``developer_unsold``; otherwise its residents marked 产权人 (``is_owner``) in ledger order
    (the first is the first listed co-owner); otherwise an unidentified owner of that unit.
    A person is keyed by ID number when known. Manually recorded ownerships (a second unit of
    a person who lives elsewhere) are kept. Owners left with no unit are marked inactive.
    Returns counts of what changed (all zero on a second run).
    """
    _require_manager(actor, compound)
    wanted = _wanted_owners(compound)
    counts = _SyncCounts()
    _owners_upsert(compound, wanted.owners, counts)
    _shares_sync(compound, wanted.shares, counts)
    orphaned = Owner.objects.filter(compound=compound, active=True).exclude(
        pk__in=Ownership.objects.values("owner_id")
    )
    counts.owners_updated += orphaned.update(active=False)
    return asdict(counts)


@transaction.atomic
def ownership_add(*, actor, owner: Owner, household: Household) -> Ownership:
    """Record by hand that ``owner`` also owns ``household`` (e.g. a second unit he lets)."""
    compound = household.unit.building.compound
    _require_manager(actor, compound)
    if owner.compound_id != compound.pk:
        raise Invalid("业主与专有部分不在同一小区", code="selfgov.other_compound")
    if owner.kind != OwnerKind.PERSON:
        raise Invalid("只能为自然人业主登记其他专有部分", code="selfgov.bad_owner")
    if household.developer_unsold:
        raise Invalid(f"“{unit_label(household)}”为开发商未售房屋", code="selfgov.unsold")
    if Ownership.objects.filter(owner=owner, household=household).exists():
        raise Invalid("该业主已登记为此专有部分的产权人", code="selfgov.duplicate_share")
    # a unit whose owner was unknown now has one
    Ownership.objects.filter(household=household, owner__kind=OwnerKind.UNIDENTIFIED).delete()
    position = Ownership.objects.filter(household=household).count()
    return Ownership.objects.create(
        owner=owner, household=household, position=position, source=OwnershipSource.MANUAL
    )


# ---------------------------------------------------------------- committee


@transaction.atomic
def nomination_create(
    *,
    actor,
    compound: Compound,
    nominee: Owner,
    post: str,
    ability: str,
    prestige: str,
    public_spirit: str,
    enthusiasm: str,
    nominated_by: str,
    replaces: CommitteeMember | None = None,
    when: dt.datetime | None = None,
) -> Nomination:
    """A candidate with a reason under each of the four 有 (有能力、有威望、有公心、有热情)."""
    _require_manager(actor, compound)
    if nominee.compound_id != compound.pk or nominee.kind != OwnerKind.PERSON:
        raise Invalid("候选人须为本小区的自然人业主", code="selfgov.bad_nominee")
    if not nominee.active:
        raise Invalid(f"{nominee.name}已不是本小区业主", code="selfgov.bad_nominee")
    if post not in Post.values:
        raise Invalid(f"职务应为主任、副主任或委员，收到 {post!r}", code="selfgov.bad_post")
    missing = [
        label
        for label, value in (
            ("有能力", ability),
            ("有威望", prestige),
            ("有公心", public_spirit),
            ("有热情", enthusiasm),
        )
        if not (value or "").strip()
    ]
    if missing:
        raise Invalid(
            f"推荐理由须写明“四有”：缺少{'、'.join(missing)}",
            code="selfgov.reasons_missing",
            details=[{"field": m} for m in missing],
        )
    if replaces is not None and (replaces.committee.compound_id != compound.pk or replaces.end):
        raise Invalid("被替换的成员不是本小区业委会的现任成员", code="selfgov.bad_replacement")
    return Nomination.objects.create(
        compound=compound,
        nominee=nominee,
        post=post,
        replaces=replaces,
        ability=ability.strip(),
        prestige=prestige.strip(),
        public_spirit=public_spirit.strip(),
        enthusiasm=enthusiasm.strip(),
        nominated_by=nominated_by.strip() or "业主推荐",
        created_at=_when(when),
    )


def current_committee(compound: Compound) -> Committee | None:
    return compound.committees.filter(ended_at__isnull=True).order_by("-term").first()


def _seat_nominees(vote: Vote, when: dt.datetime) -> None:
    """After an item-(三) vote passed: a new term from its nominees, or the replacements."""
    nominations = list(vote.proposal.nominations.select_related("replaces", "nominee"))
    if not nominations:
        return
    day = timezone.localdate(when)
    replacements = [n for n in nominations if n.replaces_id]
    if replacements:
        for n in replacements:
            old = n.replaces
            if old is None:  # replaces_id is set
                raise AssertionError("nomination without the member it replaces")
            new = CommitteeMember.objects.create(
                committee=old.committee, owner=n.nominee, post=n.post, start=day
            )
            old.end, old.end_reason, old.replaced_by = day, f"业主表决更换（{vote.proposal}）", new
            old.save(update_fields=["end", "end_reason", "replaced_by"])
        return
    previous = current_committee(vote.compound)
    if previous is not None:
        previous.ended_at = day
        previous.save(update_fields=["ended_at"])
        previous.members.filter(end__isnull=True).update(end=day, end_reason="任期届满换届")
    committee = Committee.objects.create(
        compound=vote.compound,
        term=(previous.term + 1) if previous else 1,
        term_start=day,
        term_end=day.replace(year=day.year + TERM_YEARS) - dt.timedelta(days=1),
        elected_by=vote,
    )
    CommitteeMember.objects.bulk_create(
        CommitteeMember(committee=committee, owner=n.nominee, post=n.post, start=day)
        for n in nominations
    )


# ---------------------------------------------------------------- proposals


@transaction.atomic
def proposal_create(
    *,
    actor,
    compound: Compound,
    item: int,
    title: str,
    body: str,
    proposer_owner: Owner | None = None,
    nominations: Sequence[Nomination] = (),
    when: dt.datetime | None = None,
) -> Proposal:
    """An owner (``proposer_owner``, acting for himself) or the committee/worker proposes."""
    if isinstance(item, bool) or item not in ITEMS:
        raise Invalid(f"表决事项应为第二百七十八条第1–9项，收到 {item!r}", code="selfgov.bad_item")
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise Invalid("请填写议题名称", code="selfgov.title_missing")
    if not body:
        raise Invalid("请填写议题内容", code="selfgov.body_missing")
    by_committee = manages(actor, compound) if actor is not None else True
    if proposer_owner is not None:
        if proposer_owner.compound_id != compound.pk or not proposer_owner.active:
            raise Invalid("提议人须为本小区业主", code="selfgov.bad_owner")
        if not by_committee and not owner_acts_for(actor, proposer_owner):
            raise Forbidden("只能以本人名义提出议题")
        by_committee = False
    elif not by_committee:
        raise Forbidden("业主提出议题须以本人业主身份")
    nominations = list(nominations)
    if nominations and item != 3:
        raise Invalid(
            "候选人只能列入第（三）项（选举或更换业委会成员）议题", code="selfgov.bad_item"
        )
    if any(n.compound_id != compound.pk or n.proposal_id for n in nominations):
        raise Invalid("候选人推荐不属于本小区或已列入其他议题", code="selfgov.bad_nominee")
    proposal = Proposal.objects.create(
        compound=compound,
        item=item,
        title=title,
        body=body,
        proposed_by=actor,
        proposer_owner=proposer_owner,
        by_committee=by_committee,
        created_at=_when(when),
    )
    for n in nominations:
        n.proposal = proposal
        n.save(update_fields=["proposal"])
    return proposal


@transaction.atomic
def proposal_publish(*, actor, proposal: Proposal, when: dt.datetime | None = None) -> Proposal:
    """The committee or community publishes a topic to all owners (only then may it be voted)."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require_manager(actor, proposal.compound)
    if proposal.status != ProposalStatus.DRAFT:
        raise Invalid(
            f"议题状态为“{proposal.get_status_display()}”，不能公布", code="selfgov.bad_status"
        )
    proposal.status, proposal.published_at = ProposalStatus.PUBLISHED, _when(when)
    proposal.save(update_fields=["status", "published_at"])
    return proposal


# ---------------------------------------------------------------- votes


@transaction.atomic
def vote_announce(
    *,
    actor,
    proposal: Proposal,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    when: dt.datetime | None = None,
) -> Vote:
    """Announce a vote on a published topic, at least ``notice_days`` before it opens, and
    freeze the roll: every exclusive unit with its area, source and owners, and every owner
    who may vote."""
    now = _when(when)
    proposal = Proposal.objects.select_for_update().select_related("compound").get(pk=proposal.pk)
    compound = proposal.compound
    _require_manager(actor, compound)
    if proposal.status != ProposalStatus.PUBLISHED:
        raise Invalid(f"议题“{proposal.title}”尚未公布，不能付诸表决", code="selfgov.unpublished")
    if Vote.objects.filter(proposal=proposal).exists():
        raise Invalid(f"议题“{proposal.title}”已公告表决", code="selfgov.already_announced")
    conf = settings_for(compound)
    if opens_at - now < dt.timedelta(days=conf.notice_days):
        raise Invalid(
            f"表决须至少提前{conf.notice_days}日公告：公告于"
            f"{timezone.localtime(now):%Y-%m-%d %H:%M}，开始表决于"
            f"{timezone.localtime(opens_at):%Y-%m-%d %H:%M}",
            code="selfgov.notice_too_short",
            details=[{"field": "opens_at", "notice_days": conf.notice_days}],
        )
    if closes_at <= opens_at:
        raise Invalid("截止表决时间须晚于开始表决时间", code="selfgov.bad_period")
    shares = list(
        Ownership.objects.filter(household__unit__building__compound=compound, owner__active=True)
        .select_related("owner", "household__unit__building")
        .order_by("household_id", "position", "id")
    )
    households = list(
        Household.objects.filter(unit__building__compound=compound)
        .select_related("unit__building")
        .order_by("unit__building__name", "unit__name", "room", "id")
    )
    if not households:
        raise Invalid(f"“{compound.name}”台账中没有专有部分（户）", code="selfgov.no_units")
    no_area = [unit_label(h) for h in households if h.area is None]
    if no_area:
        raise Invalid(
            f"{len(no_area)}个专有部分没有面积（登记、测绘或合同面积），不能计票："
            + "、".join(no_area[:5])
            + ("等" if len(no_area) > 5 else ""),
            code="selfgov.area_missing",
            details=[{"unit": label} for label in no_area[:50]],
        )
    by_household: dict[int, list[Owner]] = defaultdict(list)
    for s in shares:
        by_household[s.household_id].append(s.owner)
    vote = Vote.objects.create(
        proposal=proposal,
        compound=compound,
        item=proposal.item,
        notice_days=conf.notice_days,
        follow_majority=conf.follow_majority,
        announced_at=now,
        announced_by=actor,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    voters: dict[int, Owner] = {}
    units = []
    for h in households:
        owners = [o for o in by_household[h.pk] if o.can_vote]
        for o in owners:
            voters.setdefault(o.pk, o)
        units.append(
            RollUnit(
                vote=vote,
                household=h,
                label=unit_label(h),
                area=cast(Decimal, h.area),  # none is missing: checked above
                area_source=h.area_source,
                developer_unsold=h.developer_unsold,
                owner_ids=[o.pk for o in owners],
            )
        )
    RollUnit.objects.bulk_create(units)
    RollOwner.objects.bulk_create(
        RollOwner(vote=vote, owner=o, name=o.name) for o in voters.values()
    )
    return vote


def _locked_open_vote(vote: Vote, now: dt.datetime) -> Vote:
    vote = Vote.objects.select_for_update().select_related("compound", "proposal").get(pk=vote.pk)
    if vote.status != VoteStatus.ANNOUNCED or now >= vote.closes_at:
        raise Invalid(
            f"表决已于{timezone.localtime(vote.closes_at):%Y-%m-%d %H:%M}截止，选票不能再投或修改",
            code="selfgov.vote_closed",
        )
    if now < vote.opens_at:
        raise Invalid(
            f"表决尚未开始（{timezone.localtime(vote.opens_at):%Y-%m-%d %H:%M}开始）",
            code="selfgov.vote_not_open",
        )
    return vote


def _check_ballot(
    *, actor, vote: Vote, owner: Owner, choice: str, channel: str, proxy_name: str,
    proxy_document: str,
) -> None:  # fmt: skip
    if choice not in BallotChoice.values:
        raise Invalid(f"表决意见应为同意、反对或弃权，收到 {choice!r}", code="selfgov.bad_choice")
    if channel not in BallotChannel.values:
        raise Invalid(f"投票方式不正确：{channel!r}", code="selfgov.bad_channel")
    if not RollOwner.objects.filter(vote=vote, owner=owner).exists():
        raise Forbidden(
            f"{owner.name}不在本次表决公告时冻结的业主名册中", code="selfgov.not_on_roll"
        )
    if channel == BallotChannel.ONLINE:
        if not owner_acts_for(actor, owner):
            raise Forbidden("线上投票只能由业主本人进行")
    elif not manages(actor, vote.compound):
        raise Forbidden("纸质选票和委托投票须由业委会或社区工作人员录入")
    if channel == BallotChannel.PROXY and not (proxy_name.strip() and proxy_document.strip()):
        raise Invalid("委托投票须登记受托人姓名和授权委托书编号", code="selfgov.proxy_missing")


@transaction.atomic
def ballot_cast(
    *,
    actor,
    vote: Vote,
    owner: Owner,
    choice: str,
    channel: str = BallotChannel.ONLINE,
    proxy_name: str = "",
    proxy_document: str = "",
    when: dt.datetime | None = None,
) -> Ballot:
    """Record an owner's one ballot. A second ballot is refused (use :func:`ballot_change`);
    two sent at the same moment are serialised by the vote row lock and the unique
    (vote, owner) constraint, so one is recorded."""
    now = _when(when)
    vote = _locked_open_vote(vote, now)
    _check_ballot(
        actor=actor, vote=vote, owner=owner, choice=choice, channel=channel,
        proxy_name=proxy_name, proxy_document=proxy_document,
    )  # fmt: skip
    if Ballot.objects.filter(vote=vote, owner=owner).exists():
        raise Invalid(
            f"{owner.name}已经投过票；表决截止前可以改票，但不能再投一票",
            code="selfgov.already_voted",
        )
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                vote=vote,
                owner=owner,
                choice=choice,
                channel=channel,
                proxy_name=proxy_name.strip(),
                proxy_document=proxy_document.strip(),
                entered_by=actor,
                cast_at=now,
            )
    except IntegrityError:
        raise Invalid(
            f"{owner.name}已经投过票；表决截止前可以改票，但不能再投一票",
            code="selfgov.already_voted",
        ) from None
    BallotEvent.objects.create(
        ballot=ballot, action="cast", choice=choice, channel=channel, at=now, actor=actor
    )
    return ballot


@transaction.atomic
def ballot_change(
    *,
    actor,
    vote: Vote,
    owner: Owner,
    choice: str,
    channel: str = BallotChannel.ONLINE,
    proxy_name: str = "",
    proxy_document: str = "",
    when: dt.datetime | None = None,
) -> Ballot:
    """Change an owner's ballot before the close (the record stays one row; history kept)."""
    now = _when(when)
    vote = _locked_open_vote(vote, now)
    _check_ballot(
        actor=actor, vote=vote, owner=owner, choice=choice, channel=channel,
        proxy_name=proxy_name, proxy_document=proxy_document,
    )  # fmt: skip
    ballot = Ballot.objects.select_for_update().filter(vote=vote, owner=owner).first()
    if ballot is None:
        raise Invalid(f"{owner.name}尚未投票，无可修改的选票", code="selfgov.no_ballot")
    ballot.choice, ballot.channel, ballot.changed_at = choice, channel, now
    ballot.proxy_name, ballot.proxy_document = proxy_name.strip(), proxy_document.strip()
    ballot.entered_by = actor
    ballot.save(
        update_fields=[
            "choice", "channel", "changed_at", "proxy_name", "proxy_document", "entered_by",
        ]
    )  # fmt: skip
    BallotEvent.objects.create(
        ballot=ballot, action="change", choice=choice, channel=channel, at=now, actor=actor
    )
    return ballot


def vote_tally(vote: Vote) -> Tally:
    """The tally over the frozen roll and the ballots as they stand (live before the close)."""
    units = [
        UnitShare(
            unit=u.label,
            area=Decimal(u.area),
            owners=tuple(str(i) for i in u.owner_ids),
            developer_unsold=u.developer_unsold,
        )
        for u in vote.units.order_by("id")
    ]
    ballots = {str(o): c for o, c in vote.ballots.values_list("owner_id", "choice")}
    return tally(item=vote.item, units=units, ballots=ballots, follow_majority=vote.follow_majority)


def result_figures(result: Tally) -> dict:
    """Every figure of a tally as JSON-safe values (areas as decimal strings)."""
    bounds = thresholds(result)
    return {
        **result.as_json(),
        "no_area": str(result.no_area),
        "no_heads": result.no_heads,
        "abstain_area": str(result.abstain_area),
        "abstain_heads": result.abstain_heads,
        "follow_majority": result.follow_majority,
        "approval_base_area": str(result.approval_base_area),
        "approval_base_heads": result.approval_base_heads,
        "approval_yes_area": str(result.approval_yes_area),
        "approval_yes_heads": result.approval_yes_heads,
        "major_item": result.is_major_item,
        "rule": result.rule,
        "quorum_rule": result.quorum_rule,
        "need_quorum_area": str(bounds["quorum_area"]),
        "need_quorum_heads": bounds["quorum_heads"],
        "need_yes_area": str(bounds["yes_area"]),
        "need_yes_heads": bounds["yes_heads"],
    }


@transaction.atomic
def vote_close(*, actor, vote: Vote, when: dt.datetime | None = None) -> Vote:
    """Close a vote after its closing time: tally the frozen roll and keep every figure.
    From here on the ballots cannot change. A passed item-(三) vote seats its nominees."""
    now = _when(when)
    vote = Vote.objects.select_for_update().select_related("compound", "proposal").get(pk=vote.pk)
    _require_manager(actor, vote.compound)
    if vote.status != VoteStatus.ANNOUNCED:
        raise Invalid("表决已计票", code="selfgov.already_closed")
    if now < vote.closes_at:
        raise Invalid(
            f"表决{timezone.localtime(vote.closes_at):%Y-%m-%d %H:%M}截止，截止前不能计票",
            code="selfgov.not_yet_closed",
        )
    result = vote_tally(vote)
    vote.result = result_figures(result)
    vote.status, vote.closed_at = VoteStatus.CLOSED, now
    vote.save(update_fields=["result", "status", "closed_at"])
    if result.passed and vote.item == 3:
        _seat_nominees(vote, now)
    return vote


def result_due(vote: Vote) -> dt.datetime:
    return vote.closes_at + dt.timedelta(days=RESULT_DAYS)


@transaction.atomic
def vote_publish(*, actor, vote: Vote, when: dt.datetime | None = None) -> Vote:
    """Publish (公示) the result; due within 3 days of the close (a late one is still recorded,
    and the page says it was late)."""
    now = _when(when)
    vote = Vote.objects.select_for_update().select_related("compound").get(pk=vote.pk)
    _require_manager(actor, vote.compound)
    if vote.status != VoteStatus.CLOSED:
        raise Invalid(
            f"表决状态为“{vote.get_status_display()}”，计票后才能公示结果",
            code="selfgov.bad_status",
        )
    vote.status, vote.published_at = VoteStatus.PUBLISHED, now
    vote.save(update_fields=["status", "published_at"])
    return vote


@transaction.atomic
def ballots_enter_batch(
    *,
    actor,
    vote: Vote,
    entries: list[tuple[Owner, str]],
    channel: str = BallotChannel.PAPER,
    when: dt.datetime | None = None,
) -> int:
    """Enter a stack of paper ballots at once (a ballot box counted by the committee): every
    entry is checked first — on the roll, a valid choice, no ballot yet, not twice in the
    stack — and then all are written, or none. Returns the number entered."""
    now = _when(when)
    vote = _locked_open_vote(vote, now)
    if not manages(actor, vote.compound):
        raise Forbidden("纸质选票须由业委会或社区工作人员录入")
    if channel not in (BallotChannel.PAPER, BallotChannel.PROXY):
        raise Invalid("批量录入只用于纸质选票", code="selfgov.bad_channel")
    roll = set(RollOwner.objects.filter(vote=vote).values_list("owner_id", flat=True))
    voted = set(Ballot.objects.filter(vote=vote).values_list("owner_id", flat=True))
    seen: set[int] = set()
    problems = []
    for n, (owner, choice) in enumerate(entries, start=1):
        if owner.pk not in roll:
            problems.append({"row": n, "owner": owner.name, "error": "不在业主名册中"})
        elif owner.pk in voted or owner.pk in seen:
            problems.append({"row": n, "owner": owner.name, "error": "已投过票"})
        elif choice not in BallotChoice.values:
            problems.append({"row": n, "owner": owner.name, "error": f"表决意见 {choice!r} 无效"})
        seen.add(owner.pk)
    if problems:
        first = problems[0]
        raise Invalid(
            f"{len(problems)}张选票有误，全部未录入；第{first['row']}张（{first['owner']}）"
            f"{first['error']}",
            code="selfgov.batch_invalid",
            details=problems[:50],
        )
    ballots = Ballot.objects.bulk_create(
        Ballot(
            vote=vote, owner=owner, choice=choice, channel=channel, entered_by=actor, cast_at=now
        )
        for owner, choice in entries
    )
    if ballots and ballots[0].pk is None:  # a backend that does not return ids
        ballots = list(Ballot.objects.filter(vote=vote, owner__in=[o for o, _ in entries]))
    BallotEvent.objects.bulk_create(
        BallotEvent(ballot=b, action="cast", choice=b.choice, channel=channel, at=now, actor=actor)
        for b in ballots
    )
    return len(ballots)
