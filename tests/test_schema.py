"""The OpenAPI schema: valid, warning-free, and served with its docs page."""

import pytest
from django.core.management import call_command
from django.urls import reverse


def test_the_schema_validates_without_warnings(tmp_path):
    # spectacular exits non-zero on any warning or an invalid OpenAPI document
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text(encoding="utf-8")
    for path in ("/api/v1/compounds/", "/api/v1/communities/{id}/set-tier/", "/api/v1/auth/token/"):
        assert f"  {path}:" in schema, path


@pytest.mark.django_db
def test_the_schema_and_docs_are_served(client, tree):
    client.force_login(tree.official)
    schema = client.get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    parameters = {p["name"] for p in paths["/api/v1/compounds/"]["get"]["parameters"]}
    assert {"street_id", "community", "tier", "is_three_no", "households_min", "built_year_max", "q"} <= parameters
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
