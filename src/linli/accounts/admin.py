from django.contrib import admin

from linli.core.admin import MaskedPersonalDataAdmin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(MaskedPersonalDataAdmin):
    """A user's role and place; the phone is masked like a resident's (logged reveal)."""

    list_display = ["user", "display_name", "role", "region", "phone_masked"]
    list_filter = ["role"]
    search_fields = ["user__username", "display_name"]
    autocomplete_fields = ["region"]
    masked_fields = ("phone",)
    reveal_subject = "用户资料"
