"""The public doors' narrow lookup of work orders (accounts.rls.door_function, docs/security-database.md): a
tracking code to its order's district (the tracking page, its photos, the lookup form). Self-contained."""

from django.db import migrations

from accounts.rls import door_function


class Migration(migrations.Migration):
    dependencies = [("workorders", "0015_reporter_phone_index")]

    operations = [
        door_function(
            "capillary_door_tracking_code",
            "code",
            "SELECT district_id FROM workorders_workorder WHERE tracking_code = upper(btrim($1)) LIMIT 1",
        ),
    ]
