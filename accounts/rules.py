"""Rules of the accounts app (accounts.permissions' registry)."""

from django.utils.translation import gettext_lazy as _

from accounts.permissions import has_role, is_platform_admin, register
from accounts.roles import Role

# The reveal log (accounts.models.PersonalDataReveal) is read by the district's officials and the platform.
register(
    "accounts.read_reveal_log",
    has_role(Role.DISTRICT_OFFICIAL) | is_platform_admin,
    message=_("只有区级人员可以查看个人信息查看记录。"),
)
