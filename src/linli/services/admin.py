"""The services catalogue in the admin, read-only: every change goes through ``services.py``
(the API), which checks the RFC 5545 rules, the region and the codes."""

from django.contrib import admin

from .models import Item, Organization, Point, PointItem, RequiredDocument, Schedule


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DocumentInline(ReadOnly, admin.TabularInline):
    model = RequiredDocument
    extra = 0


class ScheduleInline(ReadOnly, admin.TabularInline):
    model = Schedule
    extra = 0


class PointItemInline(ReadOnly, admin.TabularInline):
    model = PointItem
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("name", "region", "phone")
    search_fields = ("name",)


@admin.register(Item)
class ItemAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("code", "name", "organization", "time_limit_days", "fee", "visits_needed")
    search_fields = ("code", "name")
    list_filter = ("organization", "active")
    inlines = (DocumentInline,)


@admin.register(Point)
class PointAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("name", "kind", "region", "address", "phone", "active")
    search_fields = ("name", "address")
    list_filter = ("kind", "active")
    inlines = (ScheduleInline, PointItemInline)
