from .models import AccessLog


def access_log_record(
    *, user, action: str, subject: str, fields: str, reason: str = "", count: int = 1
) -> AccessLog:
    """Write one line of the personal-data access log."""
    return AccessLog.objects.create(
        user=user, action=action, subject=subject, fields=fields, reason=reason, count=count
    )
