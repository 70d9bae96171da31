"""A changed password revokes the user's API keys.

Django calls every AUTH_PASSWORD_VALIDATORS entry's `password_changed(password, user)` after `set_password()` and
`save()` — whichever path changed it: the password page, the admin, `manage.py changepassword`, a reset. One
hook here, so that none of them forgets: whoever held the old password may also hold a key made with it."""

from __future__ import annotations

from typing import Any


class RevokeApiKeysOnPasswordChange:
    """Not a rule for the password itself (validate accepts everything): the hook for its change."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        from accounts.apikeys import api_keys_revoke_for_user

        api_keys_revoke_for_user(actor=user, user=user)

    def get_help_text(self) -> str:
        return ""
