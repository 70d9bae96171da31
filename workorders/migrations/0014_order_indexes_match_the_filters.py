"""Indexes that match the filters (issue 12). Self-contained: depends on workorders 0012 only for ordering.

Dropped from workorders_workorder (36 indexes before, 27 after), each a single-column foreign-key index whose
column leads a composite index that serves the same lookups (a B-tree serves any prefix of its columns):
- district_id: every composite below leads with district_id, and every query of the order table is scoped by
  district first (accounts.policy.restrict); (district_id, created_at) serves the rest.
- street_id, community_id, property_firm_id: the scope filters (street staff, cadres) and the unit filters
  always come with district_id, served by (district_id, street_id|community_id|property_firm_id, created_at);
  alone they are read only when a street, community or firm is deleted (a PROTECT check, an admin's rare act).
- handler_firm_id, handler_community_id, handler_street_id, handler_department_id, handler_user_id: each leads
  (handler_*, state), which the queues ("my orders", a firm's scope) already use.
Changed: the SLA sweep (services._overdue) and the "overdue" filter (statemachine.overdue_condition) are ORs
whose arms include submitted (pooled) and returned orders, which the old partial indexes wo_open_respond_by and
wo_open_resolve_by left out, so PostgreSQL scanned the table (a 1 s parallel scan every 5 minutes at 1 M). The
new wo_due_respond_by / wo_due_resolve_by conditions contain every arm, so each arm is a bitmap index scan.
Added: timeline (district_id, at) for the district's update feeds by time (Open311 servicerequestupdates),
replacing the timeline's single district_id index (a prefix of it).
Kept: compound_id and category_id (foreign keys not leading any composite: PROTECT checks and the category
filter), reported_by_id (the grid worker's "orders I reported" scope), meeting_id, duplicate_of_id,
possible_duplicate_of_id, external_clash_of_id and first_receiver_id (their pages' reverse lookups and the
API's filters), tracking_code (unique; the tracking page) and the composites.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('compounds', '0007_row_level_security'),
        ('workorders', '0013_kpi_rollup'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='workorder',
            name='wo_open_respond_by',
        ),
        migrations.RemoveIndex(
            model_name='workorder',
            name='wo_open_resolve_by',
        ),
        migrations.AlterField(
            model_name='timelineentry',
            name='district',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, to='compounds.district', verbose_name='区'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='community',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='compounds.community', verbose_name='社区'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='district',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, to='compounds.district', verbose_name='区'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='handler_community',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='handled_work_orders', to='compounds.community', verbose_name='承办社区'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='handler_department',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='handled_work_orders', to='compounds.department', verbose_name='承办部门'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='handler_firm',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='handled_work_orders', to='compounds.propertyfirm', verbose_name='承办物业'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='handler_street',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='handled_work_orders', to='compounds.street', verbose_name='承办街道'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='handler_user',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='handled_work_orders', to=settings.AUTH_USER_MODEL, verbose_name='承办人'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='property_firm',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='compounds.propertyfirm', verbose_name='责任物业'),
        ),
        migrations.AlterField(
            model_name='workorder',
            name='street',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='compounds.street', verbose_name='街道'),
        ),
        migrations.AddIndex(
            model_name='timelineentry',
            index=models.Index(fields=['district', 'at'], name='timeline_district_at'),
        ),
        migrations.AddIndex(
            model_name='workorder',
            index=models.Index(condition=models.Q(('state__in', ['submitted', 'assigned', 'transferred', 'escalated', 'reopened'])), fields=['respond_by'], name='wo_due_respond_by'),
        ),
        migrations.AddIndex(
            model_name='workorder',
            index=models.Index(condition=models.Q(('state__in', ['submitted', 'assigned', 'accepted', 'in_progress', 'transferred', 'escalated', 'reopened', 'returned'])), fields=['resolve_by'], name='wo_due_resolve_by'),
        ),
    ]
