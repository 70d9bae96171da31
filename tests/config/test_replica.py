"""The read replica (config/dbrouter.py, docs/scaling.md): with a replica configured, the KPI figures are read
from it, and nothing else is; without one, everything stays on the primary. The test database has a second
alias "replica" on the same server (config/settings/test.py), as a streaming replica would be; the tests commit
(transaction=True) so that the second connection sees the district, as a replica sees the primary's commits."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

# a month's figures by street are read from the community month rollup (workorders.KpiCommunityMonth)
KPI_SQL = 'FROM "workorders_kpicommunitymonth"'


def kpi_reads(client, url):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in primary.captured_queries], [q["sql"] for q in replica.captured_queries]


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
@pytest.mark.parametrize("url", [reverse("workorders:kpis"), "/api/v1/work-order-kpis/"])
def test_the_kpi_figures_are_read_from_the_replica(client, tree, settings, url):
    # given a replica configured and a district official signed in
    settings.CAPILLARY_REPLICA_READS = True
    client.force_login(tree.official)
    # when the KPI page (or the KPI API) is asked for
    primary, replica = kpi_reads(client, url)
    # then the figures are counted on the replica, in the official's district scope (row-level security there)
    assert any(KPI_SQL in sql for sql in replica)
    assert any("set_config" in sql and "capillary.district" in sql for sql in replica)
    # and not on the primary, which still serves the session and the page's own reads
    assert not any(KPI_SQL in sql for sql in primary)
    assert any('FROM "django_session"' in sql for sql in primary)


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_without_a_replica_every_read_stays_on_the_primary(client, tree, settings):
    settings.CAPILLARY_REPLICA_READS = False
    client.force_login(tree.official)
    primary, replica = kpi_reads(client, reverse("workorders:kpis"))
    assert replica == []
    assert any(KPI_SQL in sql for sql in primary)
