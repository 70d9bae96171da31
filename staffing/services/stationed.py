"""Stationed cadres (驻点“两委”干部) with history and office hours, and reception days. The current term is
mirrored onto Compound.stationed_cadre — what routing uses — through compounds.services, never by writing
the field from here."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compounds.models import Compound
from compounds.services import compound_set_stationed_cadre
from staffing.models import CadrePost, Person, ReceptionDay, ReceptionHost, StationedCadre
from staffing.selectors import reception_hosts
from staffing.services.common import acting, actor_user, reach, save_clean, see


def _sync(actor: Any, compound: Compound, today: date) -> None:
    """Make Compound.stationed_cadre the account of today's stationed cadre (or nobody)."""
    current = StationedCadre.objects.current(today).filter(compound=compound).select_related("person__account").first()
    account = current.person.account if current is not None else None
    compound_set_stationed_cadre(actor=actor, compound=compound, cadre=account)


@transaction.atomic
def stationed_cadre_assign(
    *,
    actor: Any,
    compound: Compound | int,
    person: Person | int,
    start: date,
    post: str = CadrePost.MEMBER,
    office_hours: str = "",
    today: date | None = None,
) -> StationedCadre:
    """驻点: station a cadre of the compound's community from `start`; the previous one's term ends that day."""
    today = today or timezone.localdate()
    compound = reach(actor, Compound, compound, lock=True)
    acting(actor, "staffing.manage_stationed", compound)
    person = see(actor, Person, person)
    for current in StationedCadre.objects.select_for_update().current(start).filter(compound=compound):
        if current.start >= start:
            message = gettext("现任“%(person)s”自 %(day)s 起驻点，交接日期应晚于该日。")
            raise ValidationError({"start": message % {"person": current.person, "day": current.start}})
        current.end, current.end_reason = start, f"由{person}接替"
        save_clean(current)
    term = save_clean(
        StationedCadre(
            district_id=compound.district_id,
            compound=compound,
            person=person,
            post=post,
            start=start,
            office_hours=(office_hours or "").strip(),
            recorded_by=actor_user(actor),
        )
    )
    _sync(actor, compound, today)
    return term


@transaction.atomic
def stationed_cadre_update(*, actor: Any, term: StationedCadre | int, office_hours: str, post: str) -> StationedCadre:
    term = reach(actor, StationedCadre, term, lock=True)
    acting(actor, "staffing.manage_stationed", term.compound)
    term.office_hours, term.post = (office_hours or "").strip(), post
    return save_clean(term)


@transaction.atomic
def stationed_cadre_end(
    *, actor: Any, term: StationedCadre | int, end: date, reason: str, today: date | None = None
) -> StationedCadre:
    today = today or timezone.localdate()
    term = reach(actor, StationedCadre, term, lock=True)
    acting(actor, "staffing.manage_stationed", term.compound)
    if term.end is not None:
        raise ValidationError({"end": gettext("该驻点已于 %(day)s 结束。") % {"day": term.end}})
    term.end, term.end_reason = end, (reason or "").strip() or "结束驻点"
    save_clean(term)
    _sync(actor, term.compound, today)
    return term


@transaction.atomic
def stationed_cadres_sync(*, actor: Any, today: date | None = None) -> int:
    """Daily (celery beat): terms that start or end on a later date take effect on Compound.stationed_cadre.
    Only compounds with stationing terms are touched. Safe to run twice. Returns the compounds changed."""
    acting(actor, "staffing.manage_stationed")
    today = today or timezone.localdate()
    changed = 0
    compound_ids = StationedCadre.objects.visible_to(actor, "change").values_list("compound_id", flat=True).distinct()
    for compound in Compound.objects.filter(pk__in=compound_ids).select_related("stationed_cadre"):
        current = StationedCadre.objects.current(today).filter(compound=compound).select_related("person").first()
        wanted = current.person.account_id if current else None
        if compound.stationed_cadre_id != wanted:
            _sync(actor, compound, today)
            changed += 1
    return changed


NOT_A_HOST = _("接待人须为本小区所在社区的工作人员、所在街道的街道干部或本小区物业企业的人员（在职）。")


@transaction.atomic
def reception_day_add(
    *,
    actor: Any,
    compound: Compound | int,
    host: str,
    weekday: int,
    starts_at: time,
    ends_at: time,
    place: str,
    person: Person | int | None = None,
) -> ReceptionDay:
    """接待日: e.g. 书记接待日, every Wednesday 9:00–11:30 at the community service centre."""
    compound = reach(actor, Compound, compound)
    acting(actor, "staffing.manage_stationed", compound)
    if host not in ReceptionHost.values:
        raise ValidationError({"host": gettext("请选择接待类型。")})
    if person is not None:
        person = see(actor, Person, person)
        if not reception_hosts(actor=actor, compound=compound).filter(pk=person.pk).exists():
            raise ValidationError({"person": NOT_A_HOST}, code="not_a_host")
    return save_clean(
        ReceptionDay(
            district_id=compound.district_id,
            compound=compound,
            host=host,
            person=person,
            weekday=weekday,
            starts_at=starts_at,
            ends_at=ends_at,
            place=(place or "").strip(),
        )
    )


@transaction.atomic
def reception_day_remove(*, actor: Any, reception: ReceptionDay | int) -> ReceptionDay:
    """停止 a reception day (kept with its history, no longer shown)."""
    reception = reach(actor, ReceptionDay, reception, lock=True)
    acting(actor, "staffing.manage_stationed", reception.compound)
    reception.is_active = False
    reception.save(update_fields=["is_active"])
    return reception
