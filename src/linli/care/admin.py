"""Read-only admin for the care registry: writes go through ``care.services`` (tiers derived,
overrides reasoned and logged). Names are masked in lists; care facts stay on the detail."""

from django.contrib import admin

from linli.core.privacy import mask_name

from .models import Event, Recipient, RecipientLog, Reminder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecipientLogInline(admin.TabularInline):
    model = RecipientLog
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "action", "before", "after", "reason", "actor")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recipient)
class RecipientAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "masked_name", "registered_on", "ended_on"]
    list_filter = ["ended_on"]
    list_select_related = ["resident"]
    inlines = [RecipientLogInline]

    @admin.display(description="姓名")
    def masked_name(self, obj):
        return mask_name(obj.resident.name)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "region", "declared_at", "declared_by"]
    list_filter = ["kind"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "due", "overdue"]
    list_filter = ["day"]
