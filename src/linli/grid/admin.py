from django.contrib import admin
from django.utils.html import format_html

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
    """Read-only: photos come in through ``visit_record`` (the upload module re-encodes them
    and strips their EXIF); the admin may remove one, not add one."""

    model = VisitPhoto
    extra = 0
    fields = readonly_fields = ("photo",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="照片")
    def photo(self, obj):
        # the scoped view, not MEDIA_URL (nothing is served there)
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.image.name)


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["visited_on", "household", "visitor", "met"]
    date_hierarchy = "visited_on"
    autocomplete_fields = ["household"]
    inlines = [VisitPhotoInline]
