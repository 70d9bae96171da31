"""The state counters (workorders.models.rollup.StateCounter): the orders in each state per compound and
handling firm, kept exact by a trigger (workorders.rollup.STATES_INSTALL_SQL), with row-level security and a
first count of the orders already there."""

import django.db.models.deletion
from django.db import migrations, models

from accounts.rls import EnableRLS
from workorders import rollup


def count_existing_orders(apps, schema_editor):
    rollup.rebuild_states()


class Migration(migrations.Migration):

    dependencies = [
        ('compounds', '0007_row_level_security'),
        ('workorders', '0017_phone_door_lookup'),
    ]

    operations = [
        migrations.CreateModel(
            name='StateCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(max_length=20, verbose_name='状态')),
                ('orders', models.IntegerField(default=0, verbose_name='工单量')),
                ('community', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='compounds.community', verbose_name='社区')),
                ('compound', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='compounds.compound', verbose_name='小区')),
                ('district', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='compounds.district', verbose_name='区')),
                ('handler_firm', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='compounds.propertyfirm', verbose_name='承办物业')),
                ('street', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='compounds.street', verbose_name='街道')),
            ],
            options={
                'verbose_name': '工单状态计数',
                'verbose_name_plural': '工单状态计数',
                'constraints': [models.UniqueConstraint(fields=('district', 'street', 'community', 'compound', 'handler_firm', 'state'), name='statecounter_unit_state', nulls_distinct=False)],
            },
        ),
        migrations.RunSQL(rollup.STATES_INSTALL_SQL, rollup.STATES_UNINSTALL_SQL),
        EnableRLS("workorders_statecounter"),
        migrations.RunPython(count_existing_orders, migrations.RunPython.noop),
    ]
