"""manage.py rebuild_kpi_rollup [--district 610116]: recount the KPI rollup and the state counters
(workorders.models.rollup) from the orders — after loading orders with the triggers off (a bulk COPY), after a
migration that changes what is counted, or to check them (`--check` says which rows differ and changes nothing)."""

from django.core.management.base import CommandError

from accounts.management.base import SystemCommand
from workorders import rollup


class Command(SystemCommand):
    help = "从工单重新统计工单考核汇总表（workorders_kpicounter）"

    def add_arguments(self, parser):
        parser.add_argument("--district", help="only this district (division code), e.g. 610116")
        parser.add_argument("--check", action="store_true", help="compare with a recount, change nothing")

    def handle(self, *args, district=None, check=False, **options):
        from compounds.models import District

        districts = District.objects.all() if not district else District.objects.filter(code=district)
        if check:
            wrong = 0
            for one in districts:
                kept, counted = rollup.stored(district_id=one.pk), rollup.recount(district_id=one.pk)
                differing = {key for key in kept.keys() | counted.keys() if kept.get(key) != counted.get(key)}
                kept, counted = rollup.months_stored(district_id=one.pk), rollup.months_recount(district_id=one.pk)
                differing |= {key for key in kept.keys() | counted.keys() if kept.get(key) != counted.get(key)}
                kept = rollup.community_months_stored(district_id=one.pk)
                counted = rollup.community_months_recount(district_id=one.pk)
                differing |= {key for key in kept.keys() | counted.keys() if kept.get(key) != counted.get(key)}
                kept, counted = rollup.states_stored(district_id=one.pk), rollup.states_recount(district_id=one.pk)
                differing |= {key for key in kept.keys() | counted.keys() if kept.get(key) != counted.get(key)}
                wrong += len(differing)
                self.stdout.write(f"{one.code} {one.name}：{len(differing)} 行与重新统计不一致")
            if wrong:
                raise CommandError(f"汇总表有 {wrong} 行与工单重新统计的结果不一致，请运行 rebuild_kpi_rollup。")
            return
        if district:
            rows = sum(rollup.rebuild(district_id=d.pk) + rollup.rebuild_states(district_id=d.pk) for d in districts)
        else:
            rows = rollup.rebuild() + rollup.rebuild_states()
        self.stdout.write(self.style.SUCCESS(f"工单考核汇总已重新统计：{rows} 行"))
