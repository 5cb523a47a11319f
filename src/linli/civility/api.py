"""The civility API at ``/api/v1/civility/``: campaigns, nominations, scores, votes, 公示,
objections and honours.

Every handler is scope → selector or service → schema. A campaign, nomination or objection
outside the caller's scope is a 404 with the same body as a missing id; the services decide who
may act (the office of the community, the 组长/片长 of the nominee's cells, a resident's
household) and refuse with a Chinese message and a ``civility.*`` code.
"""

from __future__ import annotations

from ninja import Router
from ninja.responses import Status

from linli.core.bounds import Id
from linli.core.errors import NotFound
from linli.core.policy import get_or_404, restrict
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS
from linli.ledger.models import Building, Household, Region, RegionLevel

from . import selectors, services
from .models import Campaign, Criterion, Honour, Kind
from .schemas import (
    CampaignIn,
    CampaignOut,
    CriterionOut,
    DecideIn,
    HonourOut,
    NominationIn,
    NominationOut,
    NoteIn,
    ObjectionIn,
    ObjectionOut,
    ScoreIn,
    VoteOut,
)

router = Router(tags=["civility"])


def _campaign_out(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "community": c.community_id,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "title": c.title,
        "year": c.year,
        "nominate_until": c.nominate_until,
        "vote_from": c.vote_from,
        "vote_until": c.vote_until,
    }


def _nomination_out(n) -> dict:
    return {
        "id": n.pk,
        "campaign": n.campaign_id,
        "kind": n.campaign.kind,
        "nominee": n.nominee_label,
        "household": n.household_id,
        "building": n.building_id,
        "reason": n.reason,
        "status": n.status,
        "status_label": n.get_status_display(),
        "total": n.total,
        "max_total": n.max_total,
        "stars": n.stars,
        "votes": getattr(n, "vote_count", None) or n.votes.count(),
        "publicity_from": n.publicity_from,
        "publicity_until": n.publicity_until,
        "decision_note": n.decision_note,
    }


def _nomination(request, nomination_id: int):
    return selectors.nomination_get_for(actor=request.user, nomination_id=nomination_id)


@router.get("/criteria", response={200: list[CriterionOut], **READ_ERRORS})
def criteria(request, kind: str | None = None):
    qs = Criterion.objects.filter(active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs)


@router.get("/campaigns", response={200: list[CampaignOut], **READ_ERRORS})
def campaigns(request):
    return [_campaign_out(c) for c in Campaign.objects.restrict(request.user)[:200]]


@router.post("/campaigns", response={201: CampaignOut, **WRITE_ERRORS})
def campaign_create(request, data: CampaignIn):
    community = get_or_404(
        Region.objects.filter(level=RegionLevel.COMMUNITY), request.user, pk=data.community
    )
    campaign = services.campaign_create(
        actor=request.user, community=community, **data.dict(exclude={"community"})
    )
    return Status(201, _campaign_out(campaign))


@router.get("/nominations", response={200: list[NominationOut], **READ_ERRORS})
def nominations(request, campaign: Id | None = None, status: str | None = None):
    qs = selectors.nominations(actor=request.user)
    if campaign:
        qs = qs.filter(campaign_id=campaign)
    if status:
        qs = qs.filter(status=status)
    return [_nomination_out(n) for n in qs.order_by("-id")[:500]]


@router.get("/nominations/{nomination_id}", response={200: NominationOut, **READ_ERRORS})
def nomination(request, nomination_id: Id):
    return _nomination_out(_nomination(request, nomination_id))


@router.post("/nominations", response={201: NominationOut, **WRITE_ERRORS})
def nomination_create(request, data: NominationIn):
    campaign = selectors.campaign_get_for(actor=request.user, campaign_id=data.campaign)
    household = building = None
    if data.household is not None:
        household = Household.objects.filter(pk=data.household).first()
        if household is None:
            raise NotFound(
                "该户不存在或不在您可提名的范围内",
                code="civility.nominee_out_of_scope",
                details=[{"field": "household"}],
            )
    if data.building is not None:
        building = Building.objects.filter(pk=data.building).select_related("compound").first()
        if building is None:
            raise NotFound(
                "该楼栋不存在或不在您可提名的范围内",
                code="civility.nominee_out_of_scope",
                details=[{"field": "building"}],
            )
    n = services.nomination_create(
        actor=request.user,
        campaign=campaign,
        reason=data.reason,
        household=household,
        building=building,
        nominee_name=data.nominee_name,
    )
    return Status(201, _nomination_out(n))


@router.post("/nominations/{nomination_id}/score", response={200: NominationOut, **WRITE_ERRORS})
def nomination_score(request, nomination_id: Id, data: ScoreIn):
    n = services.nomination_score(
        actor=request.user, nomination=_nomination(request, nomination_id), points=data.points
    )
    return _nomination_out(n)


@router.post("/nominations/{nomination_id}/vote", response={201: VoteOut, **WRITE_ERRORS})
def vote(request, nomination_id: Id):
    v = services.vote_cast(actor=request.user, nomination=_nomination(request, nomination_id))
    return Status(
        201,
        {
            "id": v.pk,
            "campaign": v.campaign_id,
            "nomination": v.nomination_id,
            "household": v.household_id,
            "at": v.at,
        },
    )


@router.post(
    "/nominations/{nomination_id}/publicise", response={200: NominationOut, **WRITE_ERRORS}
)
def publicise(request, nomination_id: Id):
    n = services.publicity_start(actor=request.user, nomination=_nomination(request, nomination_id))
    return _nomination_out(n)


@router.post(
    "/nominations/{nomination_id}/objections", response={201: ObjectionOut, **WRITE_ERRORS}
)
def objection_raise(request, nomination_id: Id, data: ObjectionIn):
    o = services.objection_raise(
        actor=request.user, nomination=_nomination(request, nomination_id), reason=data.reason
    )
    return Status(201, _objection_out(o))


def _objection_out(o) -> dict:
    return {
        "id": o.pk,
        "nomination": o.nomination_id,
        "reason": o.reason,
        "status": o.status,
        "raised_at": o.raised_at,
        "decided_at": o.decided_at,
        "decision_note": o.decision_note,
    }


@router.get("/objections", response={200: list[ObjectionOut], **READ_ERRORS})
def objections(request):
    return [
        _objection_out(o) for o in restrict(selectors.Objection.objects.all(), request.user)[:500]
    ]


@router.post("/objections/{objection_id}/decide", response={200: ObjectionOut, **WRITE_ERRORS})
def objection_decide(request, objection_id: Id, data: DecideIn):
    o = selectors.objection_get_for(actor=request.user, objection_id=objection_id)
    return _objection_out(
        services.objection_decide(
            actor=request.user, objection=o, upheld=data.upheld, note=data.note
        )
    )


@router.post("/nominations/{nomination_id}/reject", response={200: NominationOut, **WRITE_ERRORS})
def reject(request, nomination_id: Id, data: NoteIn):
    n = services.nomination_reject(
        actor=request.user, nomination=_nomination(request, nomination_id), note=data.note
    )
    return _nomination_out(n)


@router.post("/nominations/{nomination_id}/award", response={201: HonourOut, **WRITE_ERRORS})
def award(request, nomination_id: Id):
    h = services.award_grant(actor=request.user, nomination=_nomination(request, nomination_id))
    return Status(201, _honour_out(h))


def _honour_out(h: Honour) -> dict:
    return {
        "id": h.pk,
        "nomination": h.nomination_id,
        "kind": h.kind,
        "title": h.title,
        "year": h.year,
        "household": h.household_id,
        "building": h.building_id,
        "stars": h.stars,
        "awarded_on": h.awarded_on,
        "points": h.points,
        "credited": h.credited,
    }


@router.get("/honours", response={200: list[HonourOut], **READ_ERRORS})
def honours(
    request, household: Id | None = None, building: Id | None = None, kind: str | None = None
):
    qs = Honour.objects.restrict(request.user)
    if household:
        qs = qs.filter(household_id=household)
    if building:
        qs = qs.filter(building_id=building)
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    return [_honour_out(h) for h in qs[:500]]
