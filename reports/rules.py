"""Who reads and who builds which report: the kind's registration names the roles (besides the district's
officials, the platform and the system, who always may)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.permissions import in_district, is_district_authority, predicate, register
from reports import registry


def _kind(obj: Any) -> registry.ReportKind | None:
    report = getattr(obj, "report", obj)
    return registry.KINDS.get(getattr(report, "kind", ""))


@predicate
def reads_this_kind(actor: Any, obj: Any) -> bool:
    kind = _kind(obj)
    return kind is not None and str(getattr(actor, "role", "")) in kind.view_roles


@predicate
def builds_this_kind(actor: Any, obj: Any) -> bool:
    kind = _kind(obj)
    return kind is not None and str(getattr(actor, "role", "")) in kind.request_roles


register("reports.view", is_district_authority | (reads_this_kind & in_district), message=_("您无权查看这份报告。"))
register("reports.request", is_district_authority | (builds_this_kind & in_district), message=_("您无权生成这份报告。"))
