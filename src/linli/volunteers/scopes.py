"""How the volunteers' rows reach the places an actor holds (``linli.core.policy``).

Teams, activities, shifts and the 积分超市 are the community's: everyone who sees the
community sees them (a resident signs up for their community's activities). The register of
volunteers and everything of a person (records, corrections, trainings, awards, evaluations,
certificates, points) is seen by the office of the region only; a volunteer reaches their own
rows through ``selectors.my_volunteer`` (their account), never through this scope.
"""

from linli.core.policy import Actor, region_q, register, via_region


def _office(path: str):
    def rule(actor: Actor, action: str):
        if actor.is_superuser or actor.in_region:
            return region_q(actor, path)
        return None

    return rule


def register_scopes() -> None:
    from .models import (
        Activity,
        Award,
        Certificate,
        Correction,
        Evaluation,
        PointEntry,
        RewardItem,
        ServiceRecord,
        Shift,
        SignUp,
        Team,
        Training,
        Volunteer,
    )

    register(Team, via_region("community"))
    register(Activity, via_region("community"))
    register(Shift, via_region("activity__community"))
    register(RewardItem, via_region("community"))
    register(Volunteer, _office("community"))
    for model in (SignUp, ServiceRecord, Training, Award, Evaluation, Certificate, PointEntry):
        register(model, _office("volunteer__community"))
    register(Correction, _office("record__volunteer__community"))
