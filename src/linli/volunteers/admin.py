from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from linli.core.admin import MaskedPersonalDataAdmin

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
    Team,
    Training,
    Volunteer,
)


@admin.register(Volunteer)
class VolunteerAdmin(MaskedPersonalDataAdmin):
    """ID numbers and phones masked; "显示完整号码" asks for a reason and is logged."""

    masked_fields = ("id_number", "phone")
    reveal_subject = "志愿者"
    list_display = ["number", "name", "community", "is_party_member", "phone_masked"]
    list_filter = ["is_party_member"]
    search_fields = ["number", "name"]
    readonly_fields = ["number"]
    raw_id_fields = ["resident", "unit", "user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "community"]


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 0


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "community", "organiser"]
    inlines = [ShiftInline]
    raw_id_fields = ["organiser"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(SimpleHistoryAdmin):
    """Read-only: records change through the services (approval, corrections) only."""

    list_display = ["volunteer", "shift", "minutes", "status", "method"]
    list_filter = ["status", "method"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PointEntry)
class PointEntryAdmin(admin.ModelAdmin):
    """Append-only: shown, never changed."""

    list_display = ["volunteer", "points", "kind", "at", "note"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (Correction, Training, Award, Evaluation, Certificate, RewardItem):
    admin.site.register(model)
