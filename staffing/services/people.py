"""Writes on people: register, change, leave (在岗/离岗), link a login account, volunteer hours."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import User
from accounts.policy import CHANGE
from accounts.roles import Role
from compounds.models import Community
from staffing.models import Person, VolunteerService
from staffing.services.common import acting, actor_user, normalise_phone, reach, refusal, save_clean, see

PERSON_FIELDS = (
    "name",
    "phone",
    "role",
    "street",
    "community",
    "department",
    "property_firm",
    "organisation_name",
    "title",
    "account",
    "is_party_member",
    "is_active",
    "note",
)


def _home_defaults(actor: Any, values: dict[str, Any]) -> None:
    """A street's staff register people of their street, a cadre of their community, unless told otherwise;
    a community fixes its street."""
    if values.get("community") is None and values.get("street") is None:
        if getattr(actor, "role", None) == Role.COMMUNITY_CADRE and actor.community_id:
            values["community"] = Community.objects.get(pk=actor.community_id)
        elif getattr(actor, "role", None) == Role.STREET_STAFF and actor.street_id:
            values["street"] = actor.street
    community = values.get("community")
    if community is not None and values.get("street") is None:
        values["street"] = community.street


def _check_account(person: Person, account: User | None) -> None:
    if account is None:
        return
    if account.district_id != person.district_id:
        raise ValidationError({"account": gettext("所选账号不属于本区。")})
    other = Person.objects.filter(account=account).exclude(pk=person.pk).first()
    if other is not None:
        raise refusal("account", gettext("该账号已关联人员“%(name)s”。"), name=other.name)


@transaction.atomic
def person_create(*, actor: Any, district_id: int, **values: Any) -> Person:
    """Register a person (人员登记). The phone is checked and written in one spelling."""
    acting(actor, "staffing.manage_people")
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    values["phone"] = normalise_phone(values.get("phone", ""))
    values["name"] = (values.get("name") or "").strip()
    _home_defaults(actor, values)
    person = Person(district_id=district_id, **values)
    _check_account(person, values.get("account"))
    save_clean(person)
    # The new row must be inside the actor's change scope: no one registers people for another street.
    reach(actor, Person, person.pk, action=CHANGE)
    acting(actor, "staffing.manage_people", person)
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person | int, **values: Any) -> Person:
    person = reach(actor, Person, person, lock=True)
    acting(actor, "staffing.manage_people", person)
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    if "phone" in values:
        values["phone"] = normalise_phone(values["phone"])
    if "community" in values and values["community"] is not None and "street" not in values:
        values["street"] = values["community"].street
    for name, value in values.items():
        setattr(person, name, value)
    _check_account(person, person.account)
    save_clean(person)
    reach(actor, Person, person.pk, action=CHANGE)  # still the actor's after the change
    return person


@transaction.atomic
def volunteer_service_record(
    *, actor: Any, person: Person | int, community: Community | int, served_on: date, hours: Decimal, activity: str
) -> VolunteerService:
    """志愿服务登记: hours a person served in a community."""
    person = see(actor, Person, person)
    community = see(actor, Community, community)
    acting(actor, "staffing.manage_people", None)
    record = VolunteerService(
        district_id=person.district_id,
        person=person,
        community=community,
        served_on=served_on,
        hours=hours,
        activity=(activity or "").strip(),
        recorded_by=actor_user(actor),
    )
    save_clean(record)
    reach(actor, VolunteerService, record.pk, action=CHANGE)
    return record
