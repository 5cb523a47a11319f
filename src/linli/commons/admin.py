"""The public accounts in the admin: read-only (every write goes through the services, which
keep the chain; a posted entry never changes)."""

from django.contrib import admin

from .models import Entry, Notice, PublicAccount, Voucher


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


class VoucherInline(admin.TabularInline):
    model = Voucher
    extra = 0
    can_delete = False
    fields = readonly_fields = ("name", "content_type", "size", "sha256")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PublicAccount)
class PublicAccountAdmin(ReadOnlyAdmin):
    list_display = ["compound", "head_sequence", "closed_through", "opened_at"]
    search_fields = ["compound__name"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["account", "sequence", "date", "kind", "amount", "status", "reverses"]
    list_filter = ["status", "direction", "kind"]
    search_fields = ["account__compound__name", "counterparty", "description"]
    inlines = [VoucherInline]


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = ["entry", "name", "content_type", "size"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["account", "year", "quarter", "published_on", "display_until", "head_sequence"]
