"""Who may do what to the organisation tree (accounts.permissions' one registry).

A compound's household count moves the survey cap and complaints per 100 households, and its management mode
decides who serves it: both are set by the district's officials or the street's staff (whose change scope
covers the compound), never by a community cadre; every change is in the compound's history (pghistory).
The compound's property firm is not an editable field at all: a service contract sets it
(ratings.services.contract_create / introduction steps).
"""

from accounts.permissions import in_district, is_district_authority, is_street_staff, register

register(
    "compounds.change_households",
    is_district_authority | (is_street_staff & in_district),
    message="只有区级人员或街道工作人员可以修改小区户数。",
)
register(
    "compounds.change_management_mode",
    is_district_authority | (is_street_staff & in_district),
    message="只有区级人员或街道工作人员可以修改小区的管理模式。",
)
