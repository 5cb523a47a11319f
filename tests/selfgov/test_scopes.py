"""Self-governance's rules registered with the policy (``linli.selfgov.scopes``) answer what
the selfgov selectors always have, for every persona: compounds and votes by compound; draft
proposals for those who run the compound (and their proposer); ballots for those who run the
vote and the owner who cast them."""

from linli.core.policy import restrict
from linli.core.roles import Role
from linli.selfgov import selectors, services
from linli.selfgov.models import Ballot, Owner, Proposal, ProposalStatus, Vote

from ..factories import make_user
from .conftest import OPEN, T0


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_restrict_agrees_with_the_selfgov_selectors(world, announce, county_official):
    vote = announce()
    draft = services.proposal_create(
        actor=world["committee"],
        compound=world["compound"],
        item=1,
        title="草稿议题",
        body="未发布",
        when=T0,
    )
    o = world["owners"]
    services.ballot_cast(actor=world["liu"], vote=vote, owner=o["刘建国"], choice="no", when=OPEN)
    services.ballot_cast(actor=world["wang"], vote=vote, owner=o["王桂兰"], choice="yes", when=OPEN)
    staff = make_user("bumen", Role.DEPARTMENT_STAFF, world["compound"].community, "部门")
    people = {
        "worker": world["worker"],
        "other_worker": world["other_worker"],
        "county": county_official,
        "committee": world["committee"],
        "staff": staff,
        **{k: world[k] for k in ("liu", "wang", "chen", "zhou")},
    }
    for name, user in people.items():
        compounds = selectors.compounds_for(user)
        assert ids(Vote.objects.restrict(user)) == ids(Vote.objects.filter(compound__in=compounds))
        assert ids(selectors.votes_for(user)) == ids(Vote.objects.restrict(user)), name
        for compound in compounds:
            shown = Proposal.objects.filter(compound=compound)
            if not services.manages(user, compound):
                shown = shown.filter(status=ProposalStatus.PUBLISHED) | shown.filter(
                    proposed_by=user
                )
            assert ids(selectors.proposals_for(actor=user, compound=compound)) == ids(shown), name
        ballots = set()
        for v in Vote.objects.all():
            if services.manages(user, v.compound):
                ballots |= ids(Ballot.objects.filter(vote=v))
            else:
                ballots |= {b.pk for _, b in selectors.my_ballots(actor=user, vote=v) if b}
        assert ids(Ballot.objects.restrict(user)) == ballots, name
        assert ids(Owner.objects.restrict(user)) == ids(
            Owner.objects.filter(compound__in=compounds)
        )
    # what that means
    assert draft.pk in ids(Proposal.objects.restrict(world["committee"]))
    assert draft.pk in ids(Proposal.objects.restrict(world["worker"]))
    for name in ("liu", "staff", "other_worker", "zhou"):
        assert draft.pk not in ids(Proposal.objects.restrict(people[name])), name
    assert Ballot.objects.restrict(world["committee"]).count() == 2
    liu = Ballot.objects.restrict(world["liu"])
    assert [b.owner.name for b in liu] == ["刘建国"]
    assert not Ballot.objects.restrict(staff).exists()
    assert not Vote.objects.restrict(world["other_worker"]).exists()
    assert not restrict(Vote.objects.all(), None).exists()
