"""Fee records in the admin are read-only: every write goes through ``services`` (which keep
``amount = paid + waived + outstanding`` and take the locks)."""

from django.contrib import admin

from .models import Bill, BillRun, FeeSchedule, Payment, PaymentVoid, Waiver


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FeeSchedule)
class FeeScheduleAdmin(ReadOnlyAdmin):
    list_display = ["compound", "use", "basis", "price", "valid_from", "valid_to"]
    list_filter = ["basis", "use"]
    search_fields = ["compound__name"]


@admin.register(BillRun)
class BillRunAdmin(ReadOnlyAdmin):
    list_display = ["period_start", "months", "compound", "region", "bills_created", "created_at"]


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ["household", "period_start", "months", "payer", "amount", "paid", "waived"]
    list_display += ["outstanding"]
    list_filter = ["period_start", "payer"]
    raw_id_fields = ["household"]
    list_select_related = ["household__unit__building__compound"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["receipt_no", "household", "amount", "method", "received_at", "received_by"]
    list_filter = ["method"]
    search_fields = ["receipt_no"]
    list_select_related = ["household__unit__building__compound", "received_by"]


@admin.register(Waiver)
class WaiverAdmin(ReadOnlyAdmin):
    list_display = ["bill", "amount", "kind", "status", "requested_by", "decided_by"]
    list_filter = ["status", "kind"]


@admin.register(PaymentVoid)
class PaymentVoidAdmin(ReadOnlyAdmin):
    list_display = ["payment", "status", "reason", "requested_by", "decided_by", "decided_at"]
    list_filter = ["status"]
