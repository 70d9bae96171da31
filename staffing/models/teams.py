"""The "2+4" service team of every compound (小区“2+4”服务团队): six seats, held in terms with history, and
the district departments that 包抓 (take charge of) compounds."""

from __future__ import annotations

from datetime import date

import pghistory
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.policy import WHOLE_DISTRICT
from accounts.roles import Role
from compounds.models import DepartmentKind, DistrictOwned
from staffing.models.base import Term, end_after_start, same_district, term_range
from staffing.models.people import PersonRole

R = Role


class SeatKind(models.TextChoices):
    """The six seats: "2" from above (the district department and the street), "4" on the ground."""

    SERVICE_CHIEF = "service_chief", _("服务长")
    STREET_LIAISON = "street_liaison", _("街道联系长")
    POLICE_OFFICER = "police_officer", _("社区民警")
    LEGAL_ADVISER = "legal_adviser", _("法律顾问")
    PROPERTY_MANAGER = "property_manager", _("物业经理")
    RESIDENT_REPRESENTATIVE = "resident_representative", pgettext_lazy("2+4 seat", "居民代表")


SEATS = tuple(SeatKind)
SEAT_HELP = {
    SeatKind.SERVICE_CHIEF: _("包抓本小区的区级部门派出"),
    SeatKind.STREET_LIAISON: _("小区所在街道的干部"),
    SeatKind.POLICE_OFFICER: _("公安部门的社区民警"),
    SeatKind.LEGAL_ADVISER: _("律师或司法所人员"),
    SeatKind.PROPERTY_MANAGER: _("本小区现任物业企业的项目经理，随物业合同更换"),
    SeatKind.RESIDENT_REPRESENTATIVE: _("本社区的居民"),
}

COMPOUND_VIEW = {
    R.STREET_STAFF: "compound__community__street",
    R.COMMUNITY_CADRE: "compound__community",
    R.GRID_WORKER: "compound__buildings__grids",
    R.FIRM_STAFF: "compound__property_firm",
    R.DEPARTMENT_STAFF: WHOLE_DISTRICT,
}


@pghistory.track()
class ServiceTeam(DistrictOwned):
    """A compound's "2+4" team. `formed_on` dates the vacancy of a seat that was never filled."""

    compound = models.OneToOneField(
        "compounds.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="service_team"
    )
    formed_on = models.DateField(_("组建日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_view = COMPOUND_VIEW
    scope_change = {R.STREET_STAFF: "compound__community__street"}

    class Meta:
        verbose_name = _("“2+4”服务团队")
        verbose_name_plural = _("“2+4”服务团队")
        ordering = ["compound__code"]

    def __str__(self) -> str:
        return gettext("%(compound)s“2+4”服务团队") % {"compound": self.compound}

    def clean(self) -> None:
        errors = same_district(self, "compound")
        if errors:
            raise ValidationError(errors)


@pghistory.track()
class SeatTerm(Term):
    """One person in one seat of a team from `start` to `end`. Terms of one seat never overlap (an exclusion
    constraint); a departure ends the term and leaves the seat vacant from that day."""

    team = models.ForeignKey(ServiceTeam, verbose_name=_("服务团队"), on_delete=models.PROTECT, related_name="terms")
    seat = models.CharField(_("岗位"), max_length=30, choices=SeatKind.choices)
    person = models.ForeignKey(
        "staffing.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="seats"
    )
    department = models.ForeignKey(
        "compounds.Department",
        verbose_name=_("派出部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("服务长：包抓本小区的部门"),
    )
    property_firm = models.ForeignKey(
        "compounds.PropertyFirm",
        verbose_name=_("所属物业企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("物业经理：任职时服务本小区的物业企业"),
    )

    scope_view = {key: (value if value == WHOLE_DISTRICT else f"team__{value}") for key, value in COMPOUND_VIEW.items()}
    scope_change = {R.STREET_STAFF: "team__compound__community__street"}

    class Meta:
        verbose_name = _("岗位任期")
        verbose_name_plural = _("岗位任期")
        ordering = ["team", "seat", "-start"]
        constraints = [
            end_after_start("seat_term_end_after_start"),
            ExclusionConstraint(
                name="seat_term_no_overlap",
                expressions=[
                    (term_range(), RangeOperators.OVERLAPS),
                    ("team", RangeOperators.EQUAL),
                    ("seat", RangeOperators.EQUAL),
                ],
                violation_error_message=_("该岗位在这段时间内已有人任职，任期不能重叠：请先为前任登记离任日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team.compound} {self.get_seat_display()} {self.person}"

    def clean(self) -> None:
        errors = same_district(self, "team", "person", "department", "property_firm")
        if errors:
            raise ValidationError(errors)
        if not (self._state.adding and self.team_id and self.person_id and self.seat):
            return  # who may hold a seat is checked at the appointment; ending a term changes only its end
        compound, person = self.team.compound, self.person
        check = {
            SeatKind.SERVICE_CHIEF: self._check_service_chief,
            SeatKind.STREET_LIAISON: self._check_street_liaison,
            SeatKind.POLICE_OFFICER: self._check_police_officer,
            SeatKind.PROPERTY_MANAGER: self._check_property_manager,
            SeatKind.RESIDENT_REPRESENTATIVE: self._check_resident,
        }.get(self.seat)
        refused = check(compound, person) if check else None
        if refused:
            raise ValidationError({"person": refused})

    # Each check's refusal keeps its values apart (params): a page words it as before, and an import keeps it as
    # msgid and values to word in its reader's language (compounds.importing.said).

    def _check_service_chief(self, compound, person) -> ValidationError | None:
        if person.department_id is None:
            message = gettext("服务长须由包抓本小区的区级部门派出，“%(person)s”不属于任何部门。")
            return ValidationError(message, params={"person": person.name})
        sponsor = Sponsorship.objects.current(self.start or date.today()).filter(compound=compound).first()
        if sponsor is None:
            message = gettext("“%(compound)s”在 %(day)s 没有包抓部门：请先登记包抓部门，再由该部门派出服务长。")
            return ValidationError(message, params={"compound": str(compound), "day": self.start})
        if sponsor.department_id != person.department_id:
            message = gettext("服务长须来自包抓本小区的“%(sponsor)s”，“%(person)s”属于“%(department)s”。")
            params = {"sponsor": sponsor.department.name, "person": person.name, "department": person.department.name}
            return ValidationError(message, params=params)
        self.department_id = sponsor.department_id
        return None

    def _check_street_liaison(self, compound, person) -> ValidationError | None:
        if person.role != PersonRole.STREET_OFFICER or person.street_id != compound.community.street_id:
            message = gettext("街道联系长须为“%(street)s”的街道干部。")
            return ValidationError(message, params={"street": compound.community.street.name})
        return None

    def _check_police_officer(self, compound, person) -> ValidationError | None:
        if person.role != PersonRole.POLICE_OFFICER or person.department is None:
            return ValidationError(gettext("社区民警须为公安部门登记的社区民警。"))
        if person.department.kind != DepartmentKind.POLICE:
            return ValidationError(gettext("社区民警须来自公安部门。"))
        return None

    def _check_property_manager(self, compound, person) -> ValidationError | None:
        if compound.property_firm_id is None:
            message = gettext("“%(compound)s”目前没有物业企业，物业经理岗位无法任命。")
            return ValidationError(message, params={"compound": str(compound)})
        if person.property_firm_id != compound.property_firm_id:
            own = person.property_firm.name if person.property_firm else _("未登记物业企业")
            message = gettext("物业经理须来自为本小区服务的“%(firm)s”，“%(person)s”属于“%(own)s”。")
            params = {"firm": compound.property_firm.name, "person": person.name, "own": own}
            return ValidationError(message, params=params)
        self.property_firm_id = compound.property_firm_id
        return None

    def _check_resident(self, compound, person) -> ValidationError | None:
        if person.community_id is not None and person.community_id != compound.community_id:
            message = gettext("居民代表须为“%(community)s”的居民。")
            return ValidationError(message, params={"community": compound.community.name})
        return None


@pghistory.track()
class Sponsorship(Term):
    """部门包抓: a district department takes charge of a compound (and sends its service chief). One
    department at a time per compound; the history stays."""

    department = models.ForeignKey(
        "compounds.Department", verbose_name=_("包抓部门"), on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey(
        "compounds.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )

    scope_view = COMPOUND_VIEW
    scope_change = {}

    class Meta:
        verbose_name = _("部门包抓")
        verbose_name_plural = _("部门包抓")
        ordering = ["department", "compound__code", "-start"]
        constraints = [
            end_after_start("sponsorship_end_after_start"),
            ExclusionConstraint(
                name="sponsorship_one_department_at_a_time",
                expressions=[(term_range(), RangeOperators.OVERLAPS), ("compound", RangeOperators.EQUAL)],
                violation_error_message=_("该小区在这段时间内已有包抓部门：请先结束原包抓关系。"),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(department)s 包抓 %(compound)s") % {"department": self.department, "compound": self.compound}

    def clean(self) -> None:
        errors = same_district(self, "department", "compound")
        if errors:
            raise ValidationError(errors)
