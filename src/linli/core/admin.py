"""Masked personal data in the admin (GB/T 35273 §7.2): ID numbers and phones show masked in
lists, change forms, history and search results, the way the pages show them. The full value
is one deliberate, logged act: the "显示完整号码" button on a change form asks for a reason,
writes an :class:`AccessLog` row and only then shows the number (``MaskedPersonalDataAdmin``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from linli.core.policy import may_unmask

from .crypto import pii_hash
from .fields import PiiHashField
from .models import AccessLog
from .privacy import mask_id_number, mask_phone
from .services import access_log_record

# field name → (label in the access log and on the page, mask)
MASKS = {
    "id_number": ("身份证号", mask_id_number),
    "phone": ("联系电话", mask_phone),
}
KEEP_HELP = "为保护个人信息，原值不在此显示（见上方脱敏值）；留空表示不修改，填写则替换。"


class SecretInput(forms.TextInput):
    """A text input that never renders the stored value (its placeholder is the masked one)."""

    def format_value(self, value):
        return None


class MaskedFieldsForm(forms.ModelForm):
    """On an existing row the masked fields render empty; blank keeps the stored value."""

    masked_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = self.instance.pk is not None
        for name in self.masked_fields:
            field = self.fields.get(name)
            if field is None:
                continue
            _, mask = MASKS[name]
            placeholder = mask(getattr(self.instance, name, "")) if existing else ""
            field.widget = SecretInput(attrs={"placeholder": placeholder, "autocomplete": "off"})
            if existing:
                field.required = False
                field.help_text = KEEP_HELP
                # the clear value stays out of the form: nothing renders it, and an empty
                # submission is "unchanged", not a change
                self.initial[name] = ""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            for name in self.masked_fields:
                if name in self.fields and cleaned.get(name) in (None, ""):
                    cleaned[name] = getattr(self.instance, name)
        self._check_unique_hashes(cleaned)
        return cleaned

    def _check_unique_hashes(self, cleaned) -> None:
        """A unique number (``id_number``) is unique through its hash, which the form does not
        hold: check it here, so a duplicate is a form error and not a database error."""
        model = self._meta.model
        for name in self.masked_fields:
            value = cleaned.get(name)
            try:
                hash_field = model._meta.get_field(f"{name}_hash")
            except FieldDoesNotExist:
                continue
            if not (value and hash_field.unique and isinstance(hash_field, PiiHashField)):
                continue
            digest = hash_field.compute(value)
            clash = model._default_manager.filter(**{hash_field.name: digest})
            if self.instance.pk is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if digest and clash.exists():
                self.add_error(name, f"该{MASKS[name][0]}已属于另一条记录")


def hashed_match(model, field_names, term: str) -> Q | None:
    """``Q(id_number_hash=…) | Q(phone_hash=…)`` for the fields with a hash beside them."""
    q = Q()
    for name in field_names:
        try:
            hash_field = model._meta.get_field(f"{name}_hash")
        except FieldDoesNotExist:
            continue
        if isinstance(hash_field, PiiHashField) and (digest := pii_hash(hash_field.kind, term)):
            q |= Q(**{hash_field.name: digest})
    return q or None


class MaskedPersonalDataAdmin(admin.ModelAdmin):
    """A ModelAdmin whose ``masked_fields`` (``id_number``, ``phone``) are shown masked
    everywhere, with a logged reveal. ``reveal_subject`` names the row in the access log
    (``居民`` → ``居民#12``, as the API and the pages write it)."""

    masked_fields: tuple[str, ...] = ()
    reveal_subject = "记录"
    form = MaskedFieldsForm

    # -- the form and the read-only masked values

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.get("form", self.form)
        kwargs["form"] = type(
            f"Masked{base.__name__}",
            (MaskedFieldsForm, base) if not issubclass(base, MaskedFieldsForm) else (base,),
            {"masked_fields": self.masked_fields},
        )
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += [f"{name}_masked" for name in self.masked_fields] + ["reveal_button"]
        return fields

    def get_fields(self, request, obj=None):
        fields = [
            f
            for f in super().get_fields(request, obj)
            if not (isinstance(f, str) and (f.endswith("_masked") or f == "reveal_button"))
        ]
        if obj is None:
            return fields
        editable = self.has_change_permission(request, obj)
        for name in self.masked_fields:
            display = f"{name}_masked"
            if name in fields:
                i = fields.index(name)
                if editable:
                    fields.insert(i, display)  # the masked value above the replace box
                else:
                    fields[i] = display  # read-only: never the model field itself
            else:
                fields.append(display)
        fields.append("reveal_button")
        return fields

    @admin.display(description="身份证号")
    def id_number_masked(self, obj):
        return mask_id_number(getattr(obj, "id_number", "")) or "—"

    @admin.display(description="联系电话")
    def phone_masked(self, obj):
        return mask_phone(getattr(obj, "phone", "")) or "—"

    @admin.display(description="完整号码")
    def reveal_button(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse(f"admin:{self._url_name('reveal')}", args=[obj.pk])
        return format_html(
            '<a class="button" href="{}">显示完整号码</a>（须填写事由，记入访问日志）', url
        )

    def get_historical_record_context_helper(self, request, historical_record):
        """django-simple-history's list of changes (old → new) shows masked values too."""
        helper = super().get_historical_record_context_helper(request, historical_record)
        prepare = helper.prepare_delta_change_value

        def masked(change, value):
            if change.field in self.masked_fields:
                return MASKS[change.field][1](value or "") or "—"
            return prepare(change, value)

        helper.prepare_delta_change_value = masked
        return helper

    # -- search: an encrypted column cannot be searched; its keyed hash matches exactly

    def get_search_results(self, request, queryset, search_term):
        """The usual search (``search_fields``), and also rows whose ID number or phone is
        exactly the term (by its keyed hash beside the encrypted column: ``<field>_hash``)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            exact = hashed_match(self.model, self.masked_fields, term)
            if exact is not None:
                results = results | queryset.filter(exact)
        return results, may_have_duplicates

    # -- the logged reveal

    def _url_name(self, what: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_{what}"

    def get_urls(self):
        view = self.admin_site.admin_view(self.reveal_view)
        return [
            path("<path:object_id>/reveal/", view, name=self._url_name("reveal")),
            *super().get_urls(),
        ]

    def revealable_fields(self, request) -> list[str]:
        """The masked fields this user's duty lets them see in full (the unmask capabilities)."""
        return [f for f in self.masked_fields if may_unmask(request.user, f)]

    def reveal_view(self, request, object_id):
        """GET: ask for the reason. POST with a reason: write the access-log row, then show
        the full values — on this response only, never on the change form."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404("记录不存在")
        fields = self.revealable_fields(request)
        if not fields:
            raise PermissionDenied("当前角色无权查看完整号码")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"显示完整号码：{obj}",
            "object": obj,
            "labels": [MASKS[f][0] for f in fields],
            "masked": [(MASKS[f][0], MASKS[f][1](getattr(obj, f, "")) or "—") for f in fields],
            "change_url": reverse(f"admin:{self._url_name('change')}", args=[obj.pk]),
            "revealed": None,
            "reason": "",
        }
        if request.method == "POST":
            reason = " ".join((request.POST.get("reason") or "").split())
            context["reason"] = reason
            if not reason:
                context["error"] = "查看完整号码须填写事由"
            else:
                access_log_record(
                    user=request.user,
                    action=AccessLog.Action.VIEW,
                    subject=f"{self.reveal_subject}#{obj.pk}",
                    fields=",".join(MASKS[f][0] for f in fields),
                    reason=f"后台：{reason}"[:200],
                )
                context["revealed"] = [
                    (MASKS[f][0], getattr(obj, f, "") or "未登记") for f in fields
                ]
        return TemplateResponse(request, "core/admin_reveal.html", context)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "subject", "fields", "reason", "count"]
    list_filter = ["action"]
    search_fields = ["user__username", "subject"]
    readonly_fields = [f.name for f in AccessLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
