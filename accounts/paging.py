"""Paging large lists: a total counted no further than needed, and a page's rows read by their keys.

Django's Paginator counts every row the list could show (`SELECT COUNT(*)` over the whole filter) to print the
total and the number of pages. On a district's queue with every order of a year that is a million rows read
for a figure nobody pages through: the exact counts users rely on (the orders per state) come from their own
counters. `CappedPaginator` counts at most `cap` rows (a COUNT over a LIMIT: it stops reading there) and
says so: `count` is then the cap and `capped` is true ("10,000+ 张", "第 1 / 400+ 页").

A page of orders with their compound, category, street, handler… in one query lets PostgreSQL join first and
sort after: row-level security's condition on every joined table makes it guess a handful of rows, so it walks
every order of the district through the joins before cutting 50 (at 100,000 orders, a second; growing with the
table). `KeysFirstPaginator` reads the page's keys first, from the list's own filter and order (the order
table's index), then those rows by key and their related rows by key: a fixed number of queries, each reading
only the page's rows, whatever the size of the table."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet, prefetch_related_objects
from django.utils.functional import cached_property

CAP = 10_000


def _paths(tree: dict, prefix: str = "") -> list[str]:
    """select_related's tree ({"category": {"urgency": {}}}) as lookups: category, category__urgency."""
    found = []
    for name, below in tree.items():
        found += [prefix + name, *_paths(below, f"{prefix}{name}__")]
    return found


def page_rows(queryset: QuerySet, bottom: int, top: int) -> list:
    """Rows [bottom, top) of `queryset`, in its order: their keys from the ordered filter alone, then the rows by
    key, then their related rows (what `select_related` names) one query per relation, by key. Joined in one
    query, PostgreSQL would start from a related table whose rows row-level security makes it underestimate,
    and walk every order of its units to find the page's (workorders' API at 100,000 orders: 150 ms)."""
    keys = list(queryset.values_list("pk", flat=True)[bottom:top])
    if not keys:
        return []
    related = queryset.query.select_related
    rows_by_key = queryset.order_by().filter(pk__in=keys)
    if isinstance(related, dict):
        rows_by_key = rows_by_key.select_related(None)
    found = {row.pk: row for row in rows_by_key}
    rows = [found[key] for key in keys if key in found]
    if isinstance(related, dict):
        prefetch_related_objects(rows, *_paths(related))
    return rows


class KeysFirstPaginator(Paginator):
    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(page_rows(self.object_list, bottom, top), number, self)


class CappedPaginator(KeysFirstPaginator):
    def __init__(self, object_list, per_page, *args, cap: int | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.cap = CAP if cap is None else cap

    @cached_property
    def counted(self) -> int:
        """The rows counted, at most cap + 1 (one more than the cap tells that there are more)."""
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap
