"""A report kind for the tests of the report room: the number of compounds of the district, as a PDF."""

from weasyprint import HTML

from accounts.roles import Role
from compounds.models import Compound
from reports import registry

CALLS = {"collect": 0, "fail": False}


def collect(*, actor, report) -> dict:
    CALLS["collect"] += 1
    compounds = list(Compound.objects.visible_to(actor).order_by("code").values_list("name", flat=True))
    return {"compounds": compounds}


def render(context: dict) -> bytes:
    if CALLS["fail"]:
        raise ValueError("测试用：渲染失败")
    items = "".join(f"<li>{name}</li>" for name in context["compounds"])
    html = (
        f'<html lang="zh-CN"><body style="font-family: \'Noto Sans CJK SC\'"><h1>{context["title"]}</h1>'
        f"<p>小区数：{len(context['compounds'])}</p><ul>{items}</ul></body></html>"
    )
    return HTML(string=html).write_pdf()


COUNT = registry.register(
    registry.ReportKind(
        code="tests.compound_count",
        label="小区数量测试报告",
        periods=registry.QUARTERS,
        collect=collect,
        render=render,
        view_roles={Role.STREET_STAFF},
        request_roles=set(),
    )
)
