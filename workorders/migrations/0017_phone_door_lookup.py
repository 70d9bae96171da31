"""The lost-code door's narrow lookup (workorders.recovery, docs/security-database.md): a phone number to the
districts where orders were filed with it, nothing else. /track/phone/ has no code in its URL to find one
district by, and a resident may have filed in two; the service then reads each district's orders in that
district's scope. Self-contained."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION capillary_door_reporter_phone(phone text) RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path FROM CURRENT SET capillary.platform = 'on' SET capillary.district = ''
AS $$ SELECT array_agg(DISTINCT district_id ORDER BY district_id) FROM workorders_workorder
      WHERE reporter_phone = $1 AND reporter_phone <> '' AND tracking_code <> '' $$;
REVOKE ALL ON FUNCTION capillary_door_reporter_phone(text) FROM PUBLIC;
"""


class Migration(migrations.Migration):
    dependencies = [("workorders", "0016_public_door_lookups")]

    operations = [migrations.RunSQL(SQL, "DROP FUNCTION IF EXISTS capillary_door_reporter_phone(text)")]
