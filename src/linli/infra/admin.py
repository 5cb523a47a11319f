from django.contrib import admin

from .models import Funding, Photo, Plan, Problem, ProblemEvent


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    readonly_fields = ("source", "amount", "proposal", "entry")
    can_delete = False


class EventInline(admin.TabularInline):
    model = ProblemEvent
    extra = 0
    readonly_fields = ("action", "from_stage", "to_stage", "note", "at", "actor")
    can_delete = False


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("title", "compound", "created_at")
    search_fields = ("title", "compound__name")
    readonly_fields = ("compound", "created_at", "created_by")


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    """Read-mostly: stages and money move only through the services (the plan pages)."""

    list_display = ("title", "plan", "kind", "stage", "budget", "actual")
    list_filter = ("stage", "kind")
    search_fields = ("title", "plan__compound__name")
    readonly_fields = (
        "plan", "kind", "found_by", "found_on", "case", "meeting", "department", "budget",
        "actual", "stage", "stage_at", "representatives", "acceptance_opinion", "accepted_on",
        "created_at", "created_by", "version",
    )  # fmt: skip
    inlines = (FundingInline, EventInline)


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ("problem", "phase", "taken_at")
    readonly_fields = ("problem", "phase", "image", "taken_at")
