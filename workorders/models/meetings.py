"""议事会: residents deciding together on what an order raised."""

import pghistory
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.text import TEXT_MAX
from compounds.models import DistrictOwned

R = Role


@pghistory.track()
class DeliberationMeeting(DistrictOwned):
    """议事会 record, linked to the orders it settles (WorkOrder.meeting)."""

    community = models.ForeignKey(
        "compounds.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey(
        "compounds.Compound", verbose_name=_("小区"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(_("议题"), max_length=200)
    held_on = models.DateField(_("召开日期"))
    attendees = models.TextField(_("参会人员"), max_length=TEXT_MAX, help_text=_("每行一人：姓名（身份）"))
    attendee_count = models.PositiveIntegerField(_("参会人数"), default=0)
    decision = models.TextField(_("议定事项"), max_length=TEXT_MAX, blank=True)
    follow_up = models.TextField(_("后续落实"), max_length=TEXT_MAX, blank=True)
    follow_up_done = models.BooleanField(_("已落实"), default=False)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope_view = {
        R.STREET_STAFF: "community__street",
        R.COMMUNITY_CADRE: "community",
        R.GRID_WORKER: "community__grids",
    }
    scope_change = {R.STREET_STAFF: "community__street", R.COMMUNITY_CADRE: "community"}

    class Meta:
        verbose_name = _("议事会")
        verbose_name_plural = _("议事会")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"

    def clean(self) -> None:
        super().clean()
        compound_elsewhere = self.compound_id is not None and self.compound.community_id != self.community_id
        if self.community_id is not None and compound_elsewhere:
            raise ValidationError({"compound": _("所选小区不属于该社区。")})
