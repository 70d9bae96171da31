"""Who may do what in ratings (accounts.permissions' one registry). The scope policy (the models' scope maps)
decides which rows an actor reaches; these rules decide which actions, each refused with a 403 and its
Chinese message.

Panel scores (评审团评分): a party's score is entered by the account that represents the party — street staff
for the street (街道) of a firm that serves a compound of their street, community cadres for the community's
party organisation (社区党组织) of a firm serving their community — and by the district's officials for the
parties that have no account (owners' committee, residents' representatives, third party: paper forms).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.permissions import (
    in_district,
    is_community_cadre,
    is_district_authority,
    is_street_staff,
    predicate,
    register,
)
from accounts.roles import Role
from ratings.models import PanelParty

# Which party a person's account represents.
PARTY_OF_ROLE: dict[str, str] = {
    Role.STREET_STAFF: PanelParty.STREET,
    Role.COMMUNITY_CADRE: PanelParty.PARTY_ORGANISATION,
}


def represented_parties(actor: Any) -> list[str]:
    """The panel parties `actor` may enter scores for (a form's choices)."""
    if is_district_authority(actor):
        return list(PanelParty.values)
    party = PARTY_OF_ROLE.get(str(getattr(actor, "role", "")))
    return [party] if party else []


def _serves_actors_area(actor: Any, firm_id: int) -> bool:
    """The firm serves (now, or by a contract) a compound of the actor's street or community."""
    from compounds.models import Compound
    from ratings.models import ServiceContract

    if actor.role == Role.STREET_STAFF:
        area = {"community__street_id": actor.street_id}
    elif actor.role == Role.COMMUNITY_CADRE:
        area = {"community_id": actor.community_id}
    else:
        return False
    if None in area.values():
        return False
    if Compound.objects.filter(property_firm_id=firm_id, **area).exists():
        return True
    return ServiceContract.objects.filter(
        firm_id=firm_id, **{f"compound__{key}": value for key, value in area.items()}
    ).exists()


@predicate
def represents_party(actor: Any, row: Any) -> bool:
    """`row` (a PanelScore, saved or not): the actor's account represents its party, for a firm of their area.
    Asked with no row: the role represents some party at all."""
    party = PARTY_OF_ROLE.get(str(getattr(actor, "role", "")))
    if row is None:
        return party is not None
    return party is not None and row.party == party and _serves_actors_area(actor, row.firm_id)


register(
    "ratings.enter_panel_score",
    is_district_authority | ((is_street_staff | is_community_cadre) & in_district & represents_party),
    message=_(
        "只能为您所代表的评审方录入评分（街道工作人员：本街道服务的物业企业的“街道”评分；"
        "社区干部：本社区服务的物业企业的“社区党组织”评分），其他评审方由区级人员录入。"
    ),
)
# The quarter's process, contracts, incidents and the district's rules: its officials (and the platform, the system).
register("ratings.manage", is_district_authority, message=_("只有本区区级人员才能进行此操作。"))
# The quarter's inputs (panel, work-order records, incidents, survey progress) before publication.
register(
    "ratings.read_inputs",
    is_district_authority | is_street_staff,
    message=_("只有区级人员和街道工作人员可以查看考评输入。"),
)
# Scores before publication (firm staff read only their own firm's, once published: FirmScore's scope).
register(
    "ratings.read_unpublished",
    is_district_authority | is_street_staff | is_community_cadre,
    message=_("考评结果发布前不对外公开。"),
)
