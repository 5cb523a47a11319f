from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Schema

from linli.core.bounds import Date, Id

from . import selectors
from .models import Party


class MeetingIn(Schema):
    region: Id
    held_on: Date
    place: str
    title: str = ""
    convener: str = "县委组织部"
    chair: str = ""
    compounds: list[Id] = []
    note: str = ""


class AttendeeIn(Schema):
    party: str
    name: str
    unit: str = ""
    department: Id | None = None
    is_resident: bool | None = None


class AgendaItemIn(Schema):
    title: str
    compound: Id | None = None
    cases: list[Id] = []
    problem: str = ""


class DecisionIn(Schema):
    decision: str
    responsible_party: str
    responsible_person: str
    deadline: Date
    responsible_unit: str = ""
    department: Id | None = None
    agenda_item: Id | None = None
    mode_role: str | None = None
    responsible_is_resident: bool | None = None


class NoteIn(Schema):
    note: str


class AttendeeOut(Schema):
    id: int
    party: str
    party_label: str
    name: str
    unit: str
    department_id: int | None
    is_resident: bool

    @staticmethod
    def resolve_party_label(obj) -> str:
        return obj.get_party_display()


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    compound_id: int | None
    compound: str | None
    cases: list[int]
    problem: str

    @staticmethod
    def resolve_compound(obj) -> str | None:
        return obj.compound.name if obj.compound_id else None

    @staticmethod
    def resolve_cases(obj) -> list[int]:
        return [c.pk for c in obj.cases.all()]


class ActionOut(Schema):
    id: int
    number: str
    meeting_id: int
    agenda_item_id: int | None
    decision: str
    responsible_party: str
    responsible_party_label: str
    responsible_unit: str
    department_id: int | None
    responsible_person: str
    mode_role: str
    mode_role_label: str
    deadline: dt.date
    status: str
    status_label: str
    overdue: bool
    closing_note: str
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_responsible_party_label(obj) -> str:
        return obj.get_responsible_party_display()

    @staticmethod
    def resolve_mode_role_label(obj) -> str:
        return obj.get_mode_role_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(getattr(obj, "today", None) or timezone.localdate())


class ProgressOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    kind: str
    kind_label: str
    note: str
    status_after: str

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class ActionDetailOut(ActionOut):
    progress: list[ProgressOut]

    @staticmethod
    def resolve_progress(obj) -> list:
        return selectors.action_log(action=obj)


class MeetingOut(Schema):
    id: int
    number: str
    title: str
    region_id: int
    region: str
    held_on: dt.date
    place: str
    convener: str
    chair: str

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.name


class MeetingDetailOut(MeetingOut):
    """Resolved through the selectors: the attendees, agenda, actions and the carried-over
    overdue actions of earlier meetings of the same place (as of the meeting day)."""

    compounds: list[int]
    parties_present: list[str]
    attendees: list[AttendeeOut]
    agenda: list[AgendaItemOut]
    actions: list[ActionOut]
    carried_over: list[ActionOut]

    @staticmethod
    def resolve_compounds(obj) -> list[int]:
        return sorted(obj.compounds.values_list("pk", flat=True))

    @staticmethod
    def resolve_parties_present(obj) -> list[str]:
        present = set(obj.attendees.values_list("party", flat=True))
        return [p for p in Party.values if p in present]

    @staticmethod
    def resolve_attendees(obj) -> list:
        return selectors.meeting_attendees(meeting=obj)

    @staticmethod
    def resolve_agenda(obj) -> list:
        return selectors.meeting_agenda(meeting=obj)

    @staticmethod
    def resolve_actions(obj) -> list:
        return selectors.meeting_actions(meeting=obj)

    @staticmethod
    def resolve_carried_over(obj) -> list:
        return selectors.carried_over(meeting=obj)
