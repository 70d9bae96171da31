"""manage.py load_demo's options. What the loaded demo holds is checked in tests/demo, and loading twice and
--reset on the committed demo in tests/demo/test_reset.py."""

import io

import pytest
from django.core.management import CommandError, call_command

from compounds.models import Compound

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["2026-13-45T10:00+08:00", "2026-11-25T10:00", "明天"])
def test_an_impossible_or_naive_moment_is_refused_in_chinese(value):
    with pytest.raises(CommandError, match="--now"):
        call_command("load_demo", f"--now={value}", stdout=io.StringIO())
    assert not Compound.objects.exists()
