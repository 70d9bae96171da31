"""Ledger entries are never edited or deleted: a plain PostgreSQL trigger refuses UPDATE and DELETE on the
table, whoever asks (the application, the admin, a psql session of the app's role). A correction is a new,
reversing entry. Not django-pgtrigger: its protection can be switched off per session with
`SET pgtrigger.ignore`, this one cannot (only by dropping the trigger, which takes the table's owner).
TRUNCATE (the test database flush) is not a row operation and is not refused."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION funding_ledger_entry_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '已记账的分录不能修改或删除：如需更正，请登记一笔冲正分录。'
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER funding_ledger_entry_immutable
    BEFORE UPDATE OR DELETE ON funding_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION funding_ledger_entry_immutable();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS funding_ledger_entry_immutable ON funding_ledgerentry;
DROP FUNCTION IF EXISTS funding_ledger_entry_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_ledger_policies_disbursements_bonus")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
