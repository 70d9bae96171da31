"""Reads of staffing that are more than a filter, shared by pages, the API, exports, PDFs and other apps.

Every function takes the actor and starts from `visible_to(actor)`, so a figure never counts a row the
actor may not see. Other apps read staffing only through this module:
- funding: `star_assessments` (the quarterly staff stars the performance bonus pools are allocated by);
- the compound page and the resident's QR page (a top-floor app joins them): `compound_service_card`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from staffing.models import PersonRole, StarAssessment


@dataclass(frozen=True)
class StarGrade:
    """One person's staff stars for a quarter, as other apps read them (funding's bonus pools)."""

    person_id: int
    person_name: str
    role: str  # the staff role label, e.g. 社区工作者
    community_id: int | None
    street_id: int | None
    stars: int  # 1–5
    score: Decimal  # 0–100
    approved: bool
    assessment_id: int
    year: int
    quarter: int
    community_name: str
    street_name: str


def star_assessments(*, actor: Any, district_id: int, year: int, quarter: int) -> list[StarGrade]:
    """The graded staff-star assessments of a quarter in a district that the actor may see, best first
    (score, then name). Assessments still waiting for the assessor's scores have no grade and are left out;
    `approved` says whether the district has approved (frozen) the grade — bonus pools should count only
    approved ones. A task passes SystemActor(name=..., district_id=district_id)."""
    rows = (
        StarAssessment.objects.visible_to(actor)
        .filter(district_id=district_id, year=year, quarter=quarter, score__isnull=False, stars__isnull=False)
        .select_related("person", "community", "street")
        .order_by("-score", "person__name", "pk")
    )
    return [
        StarGrade(
            person_id=row.person_id,
            person_name=row.person.name,
            role=PersonRole(row.role).label,
            community_id=row.community_id,
            street_id=row.street_id,
            stars=row.stars,
            score=row.score,
            approved=row.approved,
            assessment_id=row.pk,
            year=row.year,
            quarter=row.quarter,
            community_name=row.community.name if row.community_id else "",
            street_name=row.street.name if row.street_id else "",
        )
        for row in rows
    ]
