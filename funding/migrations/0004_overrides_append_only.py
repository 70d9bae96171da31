"""A community's own amount (单独核定) and a tier change during the year (年中分类调整) are history: the newest
override is in force, the older ones say how it came about. Like the ledger (0002), a plain PostgreSQL trigger
refuses UPDATE and DELETE on both tables for every role, so a correction is a new row. One exception: a user
being deleted may blank `recorded_by_id` of an override (the foreign key's SET NULL) and nothing else.
Self-contained: it touches only these two tables of funding, whatever its number at merge."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION funding_history_row_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'funding_fundoverride'
       AND to_jsonb(NEW) -> 'recorded_by_id' = 'null'::jsonb
       AND (to_jsonb(NEW) - 'recorded_by_id') = (to_jsonb(OLD) - 'recorded_by_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '已登记的单独核定和分类调整不能修改或删除：如需更正，请重新登记一条。'
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER funding_fundoverride_immutable
    BEFORE UPDATE OR DELETE ON funding_fundoverride
    FOR EACH ROW EXECUTE FUNCTION funding_history_row_immutable();
CREATE TRIGGER funding_tierproration_immutable
    BEFORE UPDATE OR DELETE ON funding_tierproration
    FOR EACH ROW EXECUTE FUNCTION funding_history_row_immutable();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS funding_fundoverride_immutable ON funding_fundoverride;
DROP TRIGGER IF EXISTS funding_tierproration_immutable ON funding_tierproration;
DROP FUNCTION IF EXISTS funding_history_row_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("funding", "0003_row_level_security")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
