from django import template

register = template.Library()


@register.filter
def distance(metres) -> str:
    """320 → "320 米"; 1530 → "1.5 公里" (a walking distance, in words an elder reads)."""
    try:
        m = float(metres)
    except (TypeError, ValueError):
        return ""
    if m < 1000:
        return f"{round(m)} 米"
    return f"{m / 1000:.1f} 公里"
