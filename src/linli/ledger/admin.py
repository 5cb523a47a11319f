from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from linli.core.admin import MaskedPersonalDataAdmin

from . import services
from .models import (
    Building,
    Compound,
    ExportRequest,
    Household,
    ImportBatch,
    Region,
    Resident,
    Unit,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "code", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.region_create(
            name=obj.name, level=obj.level, parent=obj.parent, code=obj.code
        )
        obj.pk, obj.path = created.pk, created.path


class BuildingInline(admin.TabularInline):
    model = Building
    extra = 0
    show_change_link = True


@admin.register(Compound)
class CompoundAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "community",
        "construction_background",
        "property_service",
        "responsible_unit",
        "has_guards",
        "sanwu",
    ]
    list_filter = ["property_service", "construction_background", "community"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["community"]
    inlines = [BuildingInline]
    history_list_display = ["property_service", "responsible_unit", "has_guards"]

    @admin.display(boolean=True, description="三无小区")
    def sanwu(self, obj):
        return obj.is_sanwu


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    show_change_link = True


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "compound"]
    search_fields = ["name", "compound__name"]
    autocomplete_fields = ["compound"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "building"]
    search_fields = ["name", "building__name", "building__compound__name"]
    autocomplete_fields = ["building"]


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "floor", "area", "area_source", "use"]
    list_filter = ["use", "area_source"]
    search_fields = ["room", "unit__building__compound__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit__building__compound"]


@admin.register(Resident)
class ResidentAdmin(MaskedPersonalDataAdmin, SimpleHistoryAdmin):
    """The back office: ID numbers and phones are masked in the list, the change form, the
    history and search results; "显示完整号码" asks for a reason and writes the access log."""

    list_display = ["name", "id_number_masked", "sex", "birth_date", "phone_masked", "household"]
    list_filter = ["sex", "relation", "is_party_member", "residence"]
    search_fields = ["name"]  # and an exact ID number or phone, by its hash (core.admin)
    autocomplete_fields = ["household"]
    readonly_fields = ["sex", "birth_date"]
    list_select_related = ["household__unit__building__compound"]
    masked_fields = ("id_number", "phone")
    reveal_subject = "居民"


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "status", "dry_run", "rows", "created_by", "started_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]


@admin.register(ExportRequest)
class ExportRequestAdmin(admin.ModelAdmin):
    list_display = ["region", "requested_by", "status", "decided_by", "created_at", "downloaded_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ExportRequest._meta.fields]

    def has_add_permission(self, request):
        return False
