"""The KPI rollup (workorders.models.rollup.KpiCounter): its table, the triggers that keep it exact
(workorders.rollup.INSTALL_SQL), row-level security, and a first count of the orders already there.

Self-contained: it depends only on workorders 0011 and compounds' RLS. A later change to the trigger SQL needs a
migration of its own that runs INSTALL_SQL again (every statement is CREATE OR REPLACE / DROP IF EXISTS)."""

import django.db.models.deletion
from django.db import migrations, models

from accounts.rls import EnableRLS
from workorders import rollup


def count_existing_orders(apps, schema_editor):
    rollup.rebuild(months=False)


class Migration(migrations.Migration):

    dependencies = [
        ('compounds', '0007_row_level_security'),
        ('workorders', '0012_grid_on_the_spot_and_photo_stage'),
    ]

    operations = [
        migrations.CreateModel(
            name='KpiCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(help_text='北京时间', verbose_name='提交日期')),
                ('orders', models.IntegerField(default=0, verbose_name='工单量')),
                ('responded_on_time', models.IntegerField(default=0, verbose_name='按时响应')),
                ('resolved', models.IntegerField(default=0, verbose_name='已解决')),
                ('resolved_on_time', models.IntegerField(default=0, verbose_name='按时办结')),
                ('rated', models.IntegerField(default=0, verbose_name='已评价')),
                ('satisfied', models.IntegerField(default=0, verbose_name='满意')),
                ('returned', models.IntegerField(default=0, verbose_name='曾退回')),
                ('ever_resolved', models.IntegerField(default=0, verbose_name='曾办结')),
                ('reopened', models.IntegerField(default=0, verbose_name='曾重办')),
                ('category', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='workorders.category', verbose_name='诉求类别')),
                ('community', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='compounds.community', verbose_name='社区')),
                ('compound', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='compounds.compound', verbose_name='小区')),
                ('department', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='compounds.department', verbose_name='部门')),
                ('district', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='compounds.district', verbose_name='区')),
                ('property_firm', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='compounds.propertyfirm', verbose_name='责任物业')),
                ('street', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='compounds.street', verbose_name='街道')),
            ],
            options={
                'verbose_name': '工单统计汇总',
                'verbose_name_plural': '工单统计汇总',
                'constraints': [models.UniqueConstraint(fields=('district', 'day', 'street', 'community', 'compound', 'category', 'property_firm', 'department'), name='kpicounter_unit_day', nulls_distinct=False)],
            },
        ),
        migrations.RunSQL(rollup.INSTALL_SQL, rollup.UNINSTALL_SQL),
        EnableRLS("workorders_kpicounter"),
        migrations.RunPython(count_existing_orders, migrations.RunPython.noop),
    ]
