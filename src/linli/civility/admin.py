"""Admin: the checklists are edited here (评分细则 per kind); the rest is read-only — writes go
through ``civility.services`` (scoring, 公示, objections, awards)."""

from django.contrib import admin

from .models import Campaign, Criterion, Honour, Nomination, Objection


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["kind", "position", "title", "max_points", "active"]
    list_filter = ["kind", "active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "year", "community", "nominate_until", "vote_until"]
    list_filter = ["kind", "year"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["id", "campaign", "status", "total", "stars", "publicity_until"]
    list_filter = ["status"]
    exclude = ["nominee_name"]  # a person's name: on the pages, not in admin lists


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["id", "nomination", "status", "raised_at", "decided_at"]
    list_filter = ["status"]


@admin.register(Honour)
class HonourAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "year", "stars", "awarded_on", "credited"]
    list_filter = ["kind", "year"]
    exclude = ["nominee_name"]
