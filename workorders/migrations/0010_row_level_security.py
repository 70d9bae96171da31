"""Row-level security on every tenant-owned table of workorders (accounts.rls): a row is seen and written only in its
district's transactions (capillary.district) or on the platform's explicit path (capillary.platform)."""

from django.db import migrations

from accounts.rls import EnableRLS


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0009_catalogue_routing_meeting_photo_escalation_history"),
        ("accounts", "0008_row_level_security"),
    ]

    operations = [
        EnableRLS("workorders_idempotencykey"),
        EnableRLS("workorders_outboxmessage"),
        EnableRLS("workorders_urgencyclass"),
        EnableRLS("workorders_urgencyclassevent", events=True),
        EnableRLS("workorders_category"),
        EnableRLS("workorders_categoryevent", events=True),
        EnableRLS("workorders_deliberationmeeting"),
        EnableRLS("workorders_deliberationmeetingevent", events=True),
        EnableRLS("workorders_notification"),
        EnableRLS("workorders_workorder_departments", parent=("workorders_workorder", "workorder_id")),
        EnableRLS("workorders_workorder"),
        EnableRLS("workorders_workorderevent", events=True),
        EnableRLS("workorders_timelineentry"),
        EnableRLS("workorders_photo"),
        EnableRLS("workorders_photoevent", events=True),
        EnableRLS("workorders_escalation"),
        EnableRLS("workorders_escalationevent", events=True),
        EnableRLS("workorders_routingrule"),
        EnableRLS("workorders_routingruleevent", events=True),
        EnableRLS("workorders_privacysettings"),
        EnableRLS("workorders_privacysettingsevent", events=True),
    ]
