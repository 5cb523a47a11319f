"""Admin: meetings with their attendees and agenda inline; actions with their log read-only
(the log is append-only; status changes go through the pages, the API or the services)."""

from django.contrib import admin

from .models import Action, ActionProgress, AgendaItem, Attendee, Meeting


class AttendeeInline(admin.TabularInline):
    model = Attendee
    extra = 0
    raw_id_fields = ["department"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "title", "compound", "problem"]
    raw_id_fields = ["compound"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "title", "region", "place", "convener"]
    list_filter = ["region"]
    date_hierarchy = "held_on"
    search_fields = ["title", "place"]
    raw_id_fields = ["region", "created_by"]
    filter_horizontal = ["compounds"]
    inlines = [AttendeeInline, AgendaItemInline]


class ActionProgressInline(admin.TabularInline):
    model = ActionProgress
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "actor_label", "kind", "note", "status_after")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = [
        "decision",
        "meeting",
        "responsible_party",
        "responsible_unit",
        "responsible_person",
        "mode_role",
        "deadline",
        "status",
    ]
    list_filter = ["status", "responsible_party", "mode_role"]
    search_fields = ["decision", "responsible_unit", "responsible_person"]
    raw_id_fields = ["meeting", "agenda_item", "department"]
    readonly_fields = ["status", "closing_note", "closed_at", "created_at"]
    inlines = [ActionProgressInline]


@admin.register(ActionProgress)
class ActionProgressAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "kind", "actor_label", "status_after"]
    list_filter = ["kind"]
    readonly_fields = ["action", "at", "actor", "actor_label", "kind", "note", "status_after"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
