"""Every list's pager is templates/_pager.html: its links keep the list's other parameters and drop the old
page, a capped count reads "N+", and no list template carries its own copy."""

from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def pager(page, path="/list/?status=requested&q=%E5%BC%A0&page=2", **context) -> str:
    request = RequestFactory().get(path)
    return render_to_string("_pager.html", {"page": page, **context}, request=request)


def test_the_links_keep_the_lists_parameters_and_drop_the_old_page():
    html = pager(Paginator(range(100), 20).page(2), anchor="#orders")
    assert 'href="?status=requested&amp;q=%E5%BC%A0&amp;page=1#orders"' in html
    assert 'href="?status=requested&amp;q=%E5%BC%A0&amp;page=3#orders"' in html
    assert "第 2 / 5 页" in html
    # a list that says what its parameters are (the KPI page's defaults) is taken at its word
    assert 'href="?group_by=street&amp;page=3"' in pager(Paginator(range(100), 20).page(2), query="group_by=street")


class Capped(Paginator):
    """As accounts.paging.CappedPaginator says of a count it stopped at."""

    capped = True


def test_a_capped_count_reads_n_plus_and_a_total_is_shown_when_asked():
    assert "第 1 / 5+ 页" in pager(Capped(range(50), 10).page(1))
    assert "第 1 / 5 页，共 100 条" in pager(Paginator(range(100), 20).page(1), total=True)


def test_one_page_has_no_pager():
    assert "pagination" not in pager(Paginator(range(5), 20).page(1))


def test_no_list_template_has_its_own_pager():
    base = Path(settings.BASE_DIR)
    templates = [*base.glob("templates/**/*.html"), *base.glob("*/templates/**/*.html")]
    assert len(templates) > 50
    copies = [
        path.relative_to(base).as_posix()
        for path in templates
        if "has_next" in path.read_text() and path.name != "_pager.html"
    ]
    assert copies == []
