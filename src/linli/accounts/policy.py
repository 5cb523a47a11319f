"""Who needs a second factor and whose session is short: one place, read by the middleware.

| who | two-factor (LINLI_REQUIRE_2FA=1) | session |
|---|---|---|
| superuser, staff (the admin) | required | office: idle timeout and a working day |
| 县/镇干部, 社区工作人员 (may unmask ID numbers) | required | office |
| 部门工作人员 | — (sees no personal data) | office |
| 片长/组长/邻长 (unmask phones in their grid) | if LINLI_REQUIRE_2FA_LEADERS=1 | phone |
| 业委会成员, 居民 | — | phone |

The 三长 are left out of the requirement by default: many are retired volunteers on a phone,
what they may unmask is the phone numbers of the dozen households they visit, and every unmask
is logged; a deployment that wants them in sets LINLI_REQUIRE_2FA_LEADERS=1. "office" sessions
end after LINLI_OFFICE_SESSION_IDLE_MINUTES idle or LINLI_OFFICE_SESSION_HOURS; "phone" sessions
last LINLI_SESSION_DAYS.
"""

from __future__ import annotations

from django.conf import settings

from linli.core.policy import may_unmask, role_of
from linli.core.roles import GRID_ROLES, OFFICE_ROLES


def requires_two_factor(user) -> bool:
    """Whether ``user`` must pass a TOTP code after the password in this deployment."""
    if not settings.LINLI_REQUIRE_2FA or user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff or may_unmask(user, "id_number"):
        return True
    return settings.LINLI_REQUIRE_2FA_LEADERS and role_of(user) in GRID_ROLES


def is_office(user) -> bool:
    """Office roles get the short session (idle timeout, a working day at most)."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or role_of(user) in OFFICE_ROLES
