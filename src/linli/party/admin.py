from django.contrib import admin

from .models import CoBuildingUnit, Member, Organisation, ThemeDay


class CoBuildingUnitInline(admin.TabularInline):
    model = CoBuildingUnit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "community", "grid", "compound"]
    list_filter = ["kind", "community"]
    search_fields = ["name"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent", "grid", "compound", "community"]
    inlines = [CoBuildingUnitInline]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "unit", "shows_identity"]
    list_filter = ["shows_identity", "organisation__kind"]
    search_fields = ["name"]
    autocomplete_fields = ["organisation", "resident", "contact_households"]


@admin.register(ThemeDay)
class ThemeDayAdmin(admin.ModelAdmin):
    list_display = ["organisation", "month", "lesson", "practice", "attendance"]
    list_filter = ["month"]
    autocomplete_fields = ["organisation", "area"]


@admin.register(CoBuildingUnit)
class CoBuildingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation"]
    search_fields = ["name"]
