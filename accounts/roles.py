from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does, and so which node of the tree (or which organisation) is their scope."""

    PLATFORM_ADMIN = "platform_admin", _("平台管理员")
    DISTRICT_OFFICIAL = "district_official", _("区级人员")
    STREET_STAFF = "street_staff", _("街道工作人员")
    COMMUNITY_CADRE = "community_cadre", _("社区干部")
    GRID_WORKER = "grid_worker", _("网格员")
    FIRM_STAFF = "firm_staff", _("物业企业人员")
    DEPARTMENT_STAFF = "department_staff", _("职能部门人员")
    INTEGRATION = "integration", _("接口账号")


class Integration(models.TextChoices):
    """What an integration account (Role.INTEGRATION, an API key and no password) is for. Each kind owns
    its channel: only the 12345 push files hotline orders and owns their external numbers."""

    OPEN311 = "open311", _("Open311 GeoReport 接口")
    HOTLINE_12345 = "hotline_12345", _("12345 热线推送")


# The people of a district (every role but the platform's and the integrations').
STAFF_ROLES = (
    Role.DISTRICT_OFFICIAL,
    Role.STREET_STAFF,
    Role.COMMUNITY_CADRE,
    Role.GRID_WORKER,
    Role.FIRM_STAFF,
    Role.DEPARTMENT_STAFF,
)


# The field of User that names each role's scope (grid workers have several grids).
SCOPE_FIELD = {
    Role.DISTRICT_OFFICIAL: "district",
    Role.STREET_STAFF: "street",
    Role.COMMUNITY_CADRE: "community",
    Role.GRID_WORKER: "grids",
    Role.FIRM_STAFF: "property_firm",
    Role.DEPARTMENT_STAFF: "department",
}
