"""The login backend: Django's ModelBackend, with the user's profile read in the same query.

Every API request asks ``request.user.profile`` (what the user may see starts from it), so the
session's user is loaded with it instead of a second query each request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ProfileBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()._default_manager.select_related("profile").filter(pk=user_id).first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
