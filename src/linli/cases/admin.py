from django.contrib import admin

from .models import Case, CaseEvent, Category, Department, DepartmentMember, WorkCalendarDay


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "default_level", "time_limit_days", "default_department"]
    list_editable = ["default_level", "time_limit_days"]


class DepartmentMemberInline(admin.TabularInline):
    model = DepartmentMember
    extra = 0


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "phone", "active"]
    inlines = [DepartmentMemberInline]


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    """Officials enter each year's State Council schedule here when the library lacks it."""

    list_display = ["date", "is_working_day", "note", "source"]
    list_filter = ["is_working_day", "source"]
    date_hierarchy = "date"


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "actor_label", "action", "from_holder", "to_holder", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only here: every change goes through the services (pages, API)."""

    list_display = ["id", "category", "stage", "status", "level", "deadline", "reported_at"]
    list_filter = ["status", "stage", "level", "category"]
    inlines = [CaseEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
