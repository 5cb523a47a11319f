"""``{% care_box %}``: the visitor's due and overdue care visits, at the top of the grid page."""

from django import template

from linli.core.policy import Capability, can

register = template.Library()


@register.inclusion_tag("care/_box.html", takes_context=True)
def care_box(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can(user, Capability.CARE_VISIT) or can(user, Capability.CARE_MANAGE):
        return {"care": None}
    from linli.care.selectors import rows_for_visitor, summarise

    data = rows_for_visitor(actor=user)
    if not data["rows"]:
        return {"care": None}
    return {"care": summarise(data["mine"] + data["cell_overdue"])}
