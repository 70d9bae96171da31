"""The KPI rollup 工单统计汇总: per Beijing day of filing × unit × category, the nine counts the KPIs are made of
(workorders.selectors), kept exact by PostgreSQL triggers on the orders and their departments
(workorders.rollup, installed by migration 0013): a KPI over a month reads a few hundred counter rows instead
of every order filed in it.

A row with `department` empty counts every order once (filed that day in that compound, street, community,
under that firm and category); a row with a department counts the orders that department handled or joined, so
a joint order counts once per department — as the KPIs' department figures do. An order counts by its state
*now*: when a state, a time, a rating or a unit changes, the trigger takes the order's old contribution out
and puts the new one in, in the same transaction. Rows whose counts have all gone back to 0 stay (readers
skip them); `manage.py rebuild_kpi_rollup` recounts everything from the orders.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.policy import TenantQuerySet
from accounts.roles import Role as R

# The counts, in the order the trigger's vector holds them (workorders_kpi_vector in workorders.rollup).
COUNTER_FIELDS = (
    "orders",
    "responded_on_time",
    "resolved",
    "resolved_on_time",
    "rated",
    "satisfied",
    "returned",
    "ever_resolved",
    "reopened",
)


def _unit(model: str, verbose_name: str, null: bool = False) -> models.ForeignKey:
    # No constraint and no index of its own: the row is derived from an order whose own keys are protected, and
    # the unique index (district, day, …) serves every read; an index per key would only slow each order's save.
    return models.ForeignKey(
        model,
        verbose_name=verbose_name,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=null,
        blank=null,
        related_name="+",
    )


class KpiCounts(models.Model):
    """The nine counts of a KPI rollup row (COUNTER_FIELDS, in the trigger's order), shared by the day rollup and
    the two month rollups; district-scoped like every tenant table, readable by whole units only."""

    orders = models.IntegerField(_("工单量"), default=0)
    responded_on_time = models.IntegerField(_("按时响应"), default=0)
    resolved = models.IntegerField(_("已解决"), default=0)
    resolved_on_time = models.IntegerField(_("按时办结"), default=0)
    rated = models.IntegerField(_("已评价"), default=0)
    satisfied = models.IntegerField(_("满意"), default=0)
    returned = models.IntegerField(_("曾退回"), default=0)
    ever_resolved = models.IntegerField(_("曾办结"), default=0)
    reopened = models.IntegerField(_("曾重办"), default=0)

    objects = TenantQuerySet.as_manager()

    # The same units as the orders' own maps: the rows of a street, a community or a department. Grid workers and
    # property firms see a part of a unit's orders only, so they read no counter (their KPIs count their orders).
    scope_view = {R.STREET_STAFF: "street", R.COMMUNITY_CADRE: "community", R.DEPARTMENT_STAFF: "department"}
    scope_change: dict = {}

    class Meta:
        abstract = True


class KpiCounter(KpiCounts):
    """工单统计汇总: one day × unit × category's counts (see the module docstring). Written only by the database's
    triggers and by `rebuild_kpi_rollup`; never by hand."""

    district = _unit("compounds.District", _("区"))
    day = models.DateField(_("提交日期"), help_text=_("北京时间"))
    category = _unit("workorders.Category", _("诉求类别"))
    street = _unit("compounds.Street", _("街道"))
    community = _unit("compounds.Community", _("社区"))
    compound = _unit("compounds.Compound", _("小区"))
    property_firm = _unit("compounds.PropertyFirm", _("责任物业"), null=True)
    department = _unit("compounds.Department", _("部门"), null=True)

    class Meta:
        verbose_name = _("工单统计汇总")
        verbose_name_plural = _("工单统计汇总")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "district",
                    "day",
                    "street",
                    "community",
                    "compound",
                    "category",
                    "property_firm",
                    "department",
                ],
                nulls_distinct=False,
                name="kpicounter_unit_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.compound_id}/{self.category_id} {self.orders}"


class KpiMonth(KpiCounts):
    """工单月度统计汇总: the KPI rollup by month of filing, without the category — what KpiCounter's day × compound
    × category rows add up to, kept by the same trigger in the same transaction. A city's orders are spread so
    thin over days, compounds and categories that KpiCounter holds about one row per order; a month of a
    compound holds dozens, so KPIs over whole months (the KPI page, the ranking, the homes' trends) read a
    bounded number of rows whatever the number of orders. `day` is the month's first day."""

    district = _unit("compounds.District", _("区"))
    day = models.DateField(_("月份"), help_text=_("该月1日（北京时间）"))
    street = _unit("compounds.Street", _("街道"))
    community = _unit("compounds.Community", _("社区"))
    compound = _unit("compounds.Compound", _("小区"))
    property_firm = _unit("compounds.PropertyFirm", _("责任物业"), null=True)
    department = _unit("compounds.Department", _("部门"), null=True)

    class Meta:
        verbose_name = _("工单月度统计汇总")
        verbose_name_plural = _("工单月度统计汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "day", "street", "community", "compound", "property_firm", "department"],
                nulls_distinct=False,
                name="kpimonth_unit_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.compound_id} {self.orders}"


class KpiCommunityMonth(KpiCounts):
    """工单社区月度统计汇总: KpiMonth without the compound and the firm — a community's month (and each department's
    share of it), kept by the same trigger in the same transaction. A month of a district's ~1,300 compounds is
    ~1,300 KpiMonth rows once every compound has orders, and a city ten times busier fills more of them; a
    month of its ~190 communities is ~190 rows from the first thousand orders on. The figures by street, by
    community and by department, the totals and the ranking read these; by compound and by firm, KpiMonth."""

    district = _unit("compounds.District", _("区"))
    day = models.DateField(_("月份"), help_text=_("该月1日（北京时间）"))
    street = _unit("compounds.Street", _("街道"))
    community = _unit("compounds.Community", _("社区"))
    department = _unit("compounds.Department", _("部门"), null=True)

    class Meta:
        verbose_name = _("工单社区月度统计汇总")
        verbose_name_plural = _("工单社区月度统计汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "day", "street", "community", "department"],
                nulls_distinct=False,
                name="kpicommunitymonth_unit_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.community_id} {self.orders}"


class StateCounter(models.Model):
    """工单状态计数: the orders now in each state, per compound (with its street and community) and handling
    firm — the homes' and the queue's counts by state without counting the orders (a district's closed orders
    grow with every year). Kept exact by a trigger on the orders (workorders.rollup.STATES_INSTALL_SQL), in the
    same transaction as the change; `rebuild_kpi_rollup` recounts it. Never written by hand."""

    district = _unit("compounds.District", _("区"))
    street = _unit("compounds.Street", _("街道"))
    community = _unit("compounds.Community", _("社区"))
    compound = _unit("compounds.Compound", _("小区"))
    handler_firm = _unit("compounds.PropertyFirm", _("承办物业"), null=True)
    state = models.CharField(_("状态"), max_length=20)
    orders = models.IntegerField(_("工单量"), default=0)

    objects = TenantQuerySet.as_manager()

    # The orders' own scope paths where a counter row holds whole units of them (a street, a community, a firm's
    # handled orders): workorders.selectors.state_counts reads the counters for these readers and counts the
    # orders for the rest (a grid worker's grids, a department's joint orders).
    scope_view = {R.STREET_STAFF: "street", R.COMMUNITY_CADRE: "community", R.FIRM_STAFF: "handler_firm"}
    scope_change: dict = {}

    class Meta:
        verbose_name = _("工单状态计数")
        verbose_name_plural = _("工单状态计数")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "street", "community", "compound", "handler_firm", "state"],
                nulls_distinct=False,
                name="statecounter_unit_state",
            )
        ]

    def __str__(self) -> str:
        return f"{self.compound_id}/{self.handler_firm_id} {self.state} {self.orders}"
