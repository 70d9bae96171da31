"""Row-level security on every tenant-owned table of reports (accounts.rls): a row is seen and written only in its
district's transactions (capillary.district) or on the platform's explicit path (capillary.platform)."""

from django.db import migrations

from accounts.rls import EnableRLS


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_report_room"),
        ("accounts", "0008_row_level_security"),
    ]

    operations = [
        EnableRLS("reports_report"),
        EnableRLS("reports_reportevent", events=True),
        EnableRLS("reports_reportbuild"),
        EnableRLS("reports_reportbuildevent", events=True),
    ]
