"""Row-level security on every tenant-owned table of accounts (accounts.rls): a row is seen and written only in its
district's transactions (capillary.district) or on the platform's explicit path (capillary.platform)."""

from django.db import migrations

from accounts.rls import USER_EXTRA, EnableRLS


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_user_history"),
        ("compounds", "0007_row_level_security"),
    ]

    operations = [
        EnableRLS("accounts_user_grids", parent=("accounts_user", "user_id")),
        EnableRLS("accounts_user_groups", parent=("accounts_user", "user_id")),
        EnableRLS("accounts_user_user_permissions", parent=("accounts_user", "user_id")),
        EnableRLS("accounts_user", extra=USER_EXTRA),
        EnableRLS("accounts_userevent", events=True),
        # The reveal log is itself an audit trail: read and add, never change (like the events).
        EnableRLS("accounts_personaldatareveal", events=True),
    ]
