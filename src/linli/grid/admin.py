from django.contrib import admin

from .models import Grid, Holding, Membership, Visit, VisitPhoto


class HoldingInline(admin.TabularInline):
    model = Holding
    extra = 0
    autocomplete_fields = ["resident", "user"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "code", "parent", "community", "dissolved_at"]
    list_filter = ["level", "community"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "code", "sequence"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["household", "neighbour", "start", "end"]
    list_filter = ["end"]
    autocomplete_fields = ["household", "neighbour"]
    list_select_related = ["household__unit__building__compound", "neighbour"]


@admin.register(Holding)
class HoldingAdmin(admin.ModelAdmin):
    list_display = ["post", "resident", "user", "start", "end", "reason"]
    autocomplete_fields = ["resident", "user"]
    list_select_related = ["post__grid", "resident"]


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["visited_on", "household", "visitor", "met"]
    date_hierarchy = "visited_on"
    autocomplete_fields = ["household"]
    inlines = [VisitPhotoInline]
