"""How a person is named in timelines, minutes and logs."""

from __future__ import annotations

from typing import Any


def actor_label(actor: Any) -> str:
    """``"王芳（社区工作人员）"``; a user without a profile by login name; no user: ``"系统"``."""
    if actor is None:
        return "系统"
    profile = getattr(actor, "profile", None)
    if profile is None:
        return actor.get_username()
    name = profile.display_name or actor.get_username()
    return f"{name}（{profile.get_role_display()}）"
