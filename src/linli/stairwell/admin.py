from django.contrib import admin

from .models import StairwellCode


@admin.register(StairwellCode)
class StairwellCodeAdmin(admin.ModelAdmin):
    list_display = ("unit", "created_at")
    search_fields = ("unit__building__compound__name",)
    raw_id_fields = ("unit",)
    readonly_fields = ("token", "created_at")
