"""A worker's task runs in its district's scope and leaves the connection as it found it (accounts.tenancy.task_scope):
the next task on the same connection must not inherit a district."""

import pytest
from django.db import connection

from accounts.actors import SystemActor
from accounts.tenancy import DISTRICT_SETTING, PLATFORM_SETTING, task_scope

pytestmark = pytest.mark.django_db(transaction=True)


def settings_now() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting(%s, true), current_setting(%s, true)", [DISTRICT_SETTING, PLATFORM_SETTING]
        )
        district, platform = cursor.fetchone()
        return district or "", platform or ""  # never set and reset read alike: no district


def test_a_task_s_scope_is_set_for_the_task_and_reset_after_it(tree):
    before = settings_now()
    with task_scope(SystemActor(name="test", district_id=tree.district.pk)):
        assert settings_now() == (str(tree.district.pk), "off")
    assert settings_now() == before


def test_a_failing_task_leaves_no_scope_behind(tree):
    before = settings_now()
    with pytest.raises(RuntimeError), task_scope(SystemActor(name="test", district_id=tree.district.pk)):
        raise RuntimeError("the task failed")
    assert settings_now() == before
