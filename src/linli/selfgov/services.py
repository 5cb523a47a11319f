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
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.accounts import scoping
from linli.accounts.models import Role
from linli.core import crypto
from linli.core.errors import DomainError
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
    role = scoping.role_of(actor)
    if role == "superuser":
        return True
    if role == Role.COMMITTEE_MEMBER:
        return actor.profile.compound_id == compound.pk
    if role in scoping.REGION_ROLES:
        q = scoping.compound_q(actor)
        return q is not None and Compound.objects.filter(q, pk=compound.pk).exists()
    return False


def _require_manager(actor, compound: Compound) -> None:
    if actor is not None and not manages(actor, compound):
        raise DomainError(
            "selfgov.forbidden", f"无权管理“{compound.name}”的业主自治事务", status=403
        )


def owner_acts_for(actor, owner: Owner) -> bool:
    """The owner's own login: linked to the owner, or a resident whose household and name
    are the owner's ledger row."""
    if actor is None or not actor.is_authenticated:
        return False
    if owner.user_id == actor.pk:
        return True
    profile = getattr(actor, "profile", None)
    if profile is None or profile.role != Role.RESIDENT or owner.resident_id is None:
        return False
    resident = owner.resident
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
        raise DomainError("selfgov.bad_notice_days", "公告提前天数至少为 1 天")
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
        return "idh:" + crypto.id_number_hash(resident.id_number)[:32]
    return f"resident:{resident.pk}"


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
    wanted: dict[str, dict] = {}  # key → owner fields
    wanted_shares: dict[int, list[str]] = {}  # household id → owner keys in order
    for h in households:
        if h.developer_unsold:
            keys = ["developer"]
            wanted["developer"] = {"kind": OwnerKind.DEVELOPER, "name": "建设单位（开发商）"}
        elif owners_by_household[h.pk]:
            keys = []
            for r in owners_by_household[h.pk]:
                key = _person_key(r)
                keys.append(key)
                wanted[key] = {"kind": OwnerKind.PERSON, "name": r.name, "resident_id": r.pk}
        elif h.pk in manual:
            keys = []  # the owner was recorded by hand
        else:
            key = f"unit:{h.pk}"
            keys = [key]
            wanted[key] = {
                "kind": OwnerKind.UNIDENTIFIED,
                "name": f"{unit_label(h)}产权人（待核实）",
            }
        wanted_shares[h.pk] = keys

    counts = {"owners_created": 0, "owners_updated": 0, "shares_created": 0, "shares_removed": 0}
    existing = {o.key: o for o in Owner.objects.filter(compound=compound)}
    new_owners = []
    for key, fields in wanted.items():
        owner = existing.get(key)
        if owner is None:
            new_owners.append(Owner(compound=compound, key=key, active=True, **fields))
            continue
        changed = [f for f, v in fields.items() if getattr(owner, f) != v]
        if not owner.active:
            changed.append("active")
            owner.active = True
        if changed:
            for f in changed:
                if f != "active":
                    setattr(owner, f, fields[f])
            owner.save(update_fields=changed)
            counts["owners_updated"] += 1
    if new_owners:
        Owner.objects.bulk_create(new_owners)
        counts["owners_created"] = len(new_owners)
    owner_ids = dict(Owner.objects.filter(compound=compound).values_list("key", "id"))

    shares = list(
        Ownership.objects.filter(household__unit__building__compound=compound).order_by(
            "household_id", "position", "id"
        )
    )
    current: dict[int, list[Ownership]] = defaultdict(list)
    for s in shares:
        current[s.household_id].append(s)
    to_delete, to_create, to_update = [], [], []
    for hid, keys in wanted_shares.items():
        ledger_rows = [s for s in current[hid] if s.source == OwnershipSource.LEDGER]
        manual_rows = [s for s in current[hid] if s.source == OwnershipSource.MANUAL]
        want = [owner_ids[k] for k in keys]
        have = {s.owner_id: s for s in ledger_rows}
        for s in ledger_rows:
            if s.owner_id not in want:
                to_delete.append(s.pk)
        manual_owner_ids = {s.owner_id for s in manual_rows}
        for position, oid in enumerate(want):
            if oid in manual_owner_ids:
                continue
            row = have.get(oid)
            if row is None:
                to_create.append(Ownership(owner_id=oid, household_id=hid, position=position))
            elif row.position != position:
                row.position = position
                to_update.append(row)
        for offset, s in enumerate(manual_rows):
            if s.position != len(want) + offset:
                s.position = len(want) + offset
                to_update.append(s)
    if to_delete:
        Ownership.objects.filter(pk__in=to_delete).delete()
        counts["shares_removed"] = len(to_delete)
    if to_create:
        Ownership.objects.bulk_create(to_create)
        counts["shares_created"] = len(to_create)
    if to_update:
        Ownership.objects.bulk_update(to_update, ["position"])
    orphaned = Owner.objects.filter(compound=compound, active=True).exclude(
        pk__in=Ownership.objects.values("owner_id")
    )
    counts["owners_updated"] += orphaned.update(active=False)
    return counts


@transaction.atomic
def ownership_add(*, actor, owner: Owner, household: Household) -> Ownership:
    """Record by hand that ``owner`` also owns ``household`` (e.g. a second unit he lets)."""
    compound = household.unit.building.compound
    _require_manager(actor, compound)
    if owner.compound_id != compound.pk:
        raise DomainError("selfgov.other_compound", "业主与专有部分不在同一小区")
    if owner.kind != OwnerKind.PERSON:
        raise DomainError("selfgov.bad_owner", "只能为自然人业主登记其他专有部分")
    if household.developer_unsold:
        raise DomainError("selfgov.unsold", f"“{unit_label(household)}”为开发商未售房屋")
    if Ownership.objects.filter(owner=owner, household=household).exists():
        raise DomainError("selfgov.duplicate_share", "该业主已登记为此专有部分的产权人")
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
        raise DomainError("selfgov.bad_nominee", "候选人须为本小区的自然人业主")
    if not nominee.active:
        raise DomainError("selfgov.bad_nominee", f"{nominee.name}已不是本小区业主")
    if post not in Post.values:
        raise DomainError("selfgov.bad_post", f"职务应为主任、副主任或委员，收到 {post!r}")
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
        raise DomainError(
            "selfgov.reasons_missing",
            f"推荐理由须写明“四有”：缺少{'、'.join(missing)}",
            details=[{"field": m} for m in missing],
        )
    if replaces is not None and (replaces.committee.compound_id != compound.pk or replaces.end):
        raise DomainError("selfgov.bad_replacement", "被替换的成员不是本小区业委会的现任成员")
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
    nominations: list[Nomination] = (),
    when: dt.datetime | None = None,
) -> Proposal:
    """An owner (``proposer_owner``, acting for himself) or the committee/worker proposes."""
    if isinstance(item, bool) or item not in ITEMS:
        raise DomainError("selfgov.bad_item", f"表决事项应为第二百七十八条第1–9项，收到 {item!r}")
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise DomainError("selfgov.title_missing", "请填写议题名称")
    if not body:
        raise DomainError("selfgov.body_missing", "请填写议题内容")
    by_committee = manages(actor, compound) if actor is not None else True
    if proposer_owner is not None:
        if proposer_owner.compound_id != compound.pk or not proposer_owner.active:
            raise DomainError("selfgov.bad_owner", "提议人须为本小区业主")
        if not by_committee and not owner_acts_for(actor, proposer_owner):
            raise DomainError("selfgov.forbidden", "只能以本人名义提出议题", status=403)
        by_committee = False
    elif not by_committee:
        raise DomainError("selfgov.forbidden", "业主提出议题须以本人业主身份", status=403)
    nominations = list(nominations)
    if nominations and item != 3:
        raise DomainError(
            "selfgov.bad_item", "候选人只能列入第（三）项（选举或更换业委会成员）议题"
        )
    if any(n.compound_id != compound.pk or n.proposal_id for n in nominations):
        raise DomainError("selfgov.bad_nominee", "候选人推荐不属于本小区或已列入其他议题")
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
        raise DomainError(
            "selfgov.bad_status", f"议题状态为“{proposal.get_status_display()}”，不能公布"
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
        raise DomainError("selfgov.unpublished", f"议题“{proposal.title}”尚未公布，不能付诸表决")
    if Vote.objects.filter(proposal=proposal).exists():
        raise DomainError("selfgov.already_announced", f"议题“{proposal.title}”已公告表决")
    conf = settings_for(compound)
    if opens_at - now < dt.timedelta(days=conf.notice_days):
        raise DomainError(
            "selfgov.notice_too_short",
            f"表决须至少提前{conf.notice_days}日公告：公告于"
            f"{timezone.localtime(now):%Y-%m-%d %H:%M}，开始表决于"
            f"{timezone.localtime(opens_at):%Y-%m-%d %H:%M}",
            details=[{"field": "opens_at", "notice_days": conf.notice_days}],
        )
    if closes_at <= opens_at:
        raise DomainError("selfgov.bad_period", "截止表决时间须晚于开始表决时间")
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
        raise DomainError("selfgov.no_units", f"“{compound.name}”台账中没有专有部分（户）")
    no_area = [unit_label(h) for h in households if h.area is None]
    if no_area:
        raise DomainError(
            "selfgov.area_missing",
            f"{len(no_area)}个专有部分没有面积（登记、测绘或合同面积），不能计票："
            + "、".join(no_area[:5])
            + ("等" if len(no_area) > 5 else ""),
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
                area=h.area,
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
        raise DomainError(
            "selfgov.vote_closed",
            f"表决已于{timezone.localtime(vote.closes_at):%Y-%m-%d %H:%M}截止，选票不能再投或修改",
        )
    if now < vote.opens_at:
        raise DomainError(
            "selfgov.vote_not_open",
            f"表决尚未开始（{timezone.localtime(vote.opens_at):%Y-%m-%d %H:%M}开始）",
        )
    return vote


def _check_ballot(
    *, actor, vote: Vote, owner: Owner, choice: str, channel: str, proxy_name: str,
    proxy_document: str,
) -> None:  # fmt: skip
    if choice not in BallotChoice.values:
        raise DomainError("selfgov.bad_choice", f"表决意见应为同意、反对或弃权，收到 {choice!r}")
    if channel not in BallotChannel.values:
        raise DomainError("selfgov.bad_channel", f"投票方式不正确：{channel!r}")
    if not RollOwner.objects.filter(vote=vote, owner=owner).exists():
        raise DomainError(
            "selfgov.not_on_roll", f"{owner.name}不在本次表决公告时冻结的业主名册中", status=403
        )
    if channel == BallotChannel.ONLINE:
        if not owner_acts_for(actor, owner):
            raise DomainError("selfgov.forbidden", "线上投票只能由业主本人进行", status=403)
    elif not manages(actor, vote.compound):
        raise DomainError(
            "selfgov.forbidden", "纸质选票和委托投票须由业委会或社区工作人员录入", status=403
        )
    if channel == BallotChannel.PROXY and not (proxy_name.strip() and proxy_document.strip()):
        raise DomainError("selfgov.proxy_missing", "委托投票须登记受托人姓名和授权委托书编号")


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
        raise DomainError(
            "selfgov.already_voted", f"{owner.name}已经投过票；表决截止前可以改票，但不能再投一票"
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
        raise DomainError(
            "selfgov.already_voted", f"{owner.name}已经投过票；表决截止前可以改票，但不能再投一票"
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
        raise DomainError("selfgov.no_ballot", f"{owner.name}尚未投票，无可修改的选票")
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
        raise DomainError("selfgov.already_closed", "表决已计票")
    if now < vote.closes_at:
        raise DomainError(
            "selfgov.not_yet_closed",
            f"表决{timezone.localtime(vote.closes_at):%Y-%m-%d %H:%M}截止，截止前不能计票",
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
        raise DomainError(
            "selfgov.bad_status", f"表决状态为“{vote.get_status_display()}”，计票后才能公示结果"
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
        raise DomainError("selfgov.forbidden", "纸质选票须由业委会或社区工作人员录入", status=403)
    if channel not in (BallotChannel.PAPER, BallotChannel.PROXY):
        raise DomainError("selfgov.bad_channel", "批量录入只用于纸质选票")
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
        raise DomainError(
            "selfgov.batch_invalid",
            f"{len(problems)}张选票有误，全部未录入；第{first['row']}张（{first['owner']}）"
            f"{first['error']}",
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
