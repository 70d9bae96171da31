"""Opening a new district is one action for the platform administrator (portal/districts.py): a service, a
command and a page; a district opened so takes residents' complaints at once."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.roles import Role
from compounds.models import Compound, District
from ratings.models import RatingSettings
from tests import factories
from tests.compounds.test_import import STREET_HEADERS, good_sheets, write_csv, write_xlsx
from workorders.models import Category, PrivacySettings, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    client.force_login(factories.user_for(Role.PLATFORM_ADMIN, username="platform"))
    return client


def test_the_command_opens_a_district_with_its_defaults():
    out = io.StringIO()
    call_command("open_district", "610113", stdout=out)
    district = District.objects.get(code="610113")
    assert (district.name, district.city, district.province) == ("雁塔区", "西安市", "陕西省")
    assert Category.objects.filter(district=district).count() >= 10
    assert RatingSettings.objects.filter(district=district).exists()
    assert PrivacySettings.objects.filter(district=district).exists()
    text = out.getvalue()
    assert "已开通陕西省西安市雁塔区（610113）" in text and "工作日历" in text and "尚未导入组织数据" in text
    # a second time is refused in Chinese, and changes nothing
    with pytest.raises(CommandError, match="雁塔区（610113）已经开通"):
        call_command("open_district", "610113", stdout=io.StringIO())
    assert District.objects.filter(code="610113").count() == 1


@pytest.mark.parametrize(("code", "message"), [("61011", "6 位数字"), ("999999", "没有区划代码为 999999")])
def test_a_bad_code_is_refused(code, message):
    with pytest.raises(CommandError, match=message):
        call_command("open_district", code, stdout=io.StringIO())
    assert not District.objects.exists()


def test_the_page_opens_a_district_with_its_organisation_and_a_resident_can_file_at_once(
    admin_client, client, tmp_path
):
    # when the platform administrator opens 长安区 with its organisation workbook
    path = write_xlsx(tmp_path / "台账.xlsx", good_sheets())
    with open(path, "rb") as handle:
        response = admin_client.post(reverse("open-district"), {"code": "610116", "file": handle})
    # then the page says what was made, and the compounds are there
    assert response.status_code == 201
    body = response.content.decode()
    assert "已开通陕西省西安市长安区（610116）" in body and "导入小区：新增 3" in body
    compound = Compound.objects.filter(district__code="610116").order_by("code").first()
    # and a resident who scans the compound's code can file straight away
    client.logout()
    form = client.get(reverse("intake:report", args=[compound.public_token])).content.decode()
    category = Category.objects.filter(district=compound.district).order_by("sort_order").first()
    assert f'value="{category.pk}"' in form
    filed = client.post(
        reverse("intake:report", args=[compound.public_token]),
        {"category": category.pk, "description": "3号楼楼道的灯坏了一个星期，晚上很黑"},
    )
    assert filed.status_code == 302
    assert WorkOrder.objects.filter(compound=compound).count() == 1


def test_a_bad_file_leaves_no_district_behind(admin_client, tmp_path):
    path = write_csv(tmp_path / "街道.csv", [STREET_HEADERS, ["61011600", "坏编码街道"]])
    with open(path, "rb") as handle:
        response = admin_client.post(reverse("open-district"), {"code": "610116", "file": handle})
    assert response.status_code == 400
    assert "街道编码应为 9 位数字" in response.content.decode()
    assert not District.objects.filter(code="610116").exists()


def test_only_the_platform_administrator_may_open_a_district(client, tree):
    client.force_login(tree.official)
    assert client.get(reverse("open-district")).status_code == 403
    assert client.post(reverse("open-district"), {"code": "610113"}).status_code == 403
    assert not District.objects.filter(code="610113").exists()


def test_the_command_opens_a_district_with_its_organisation_workbook_as_the_system(tmp_path):
    """`--org` runs the import as the command's SystemActor (the import refuses no actor: before, the command
    handed the import None and failed with MissingActor)."""
    path = write_xlsx(tmp_path / "台账.xlsx", good_sheets())
    out = io.StringIO()
    call_command("open_district", "610116", "--org", str(path), stdout=out)
    assert "导入小区：新增 3" in out.getvalue()
    assert Compound.objects.filter(district__code="610116").count() == 3
