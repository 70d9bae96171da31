from rest_framework.pagination import PageNumberPagination

from accounts.paging import KeysFirstPaginator


class TenantPagination(PageNumberPagination):
    """Page numbers, with `page_size` chosen by the client up to 1,000 rows."""

    page_size_query_param = "page_size"
    max_page_size = 1000


class KeysFirstPagination(TenantPagination):
    """For lists over large tables whose rows carry many joins (the orders): the page's keys first, then its rows
    with their joins by key (accounts.paging.KeysFirstPaginator)."""

    django_paginator_class = KeysFirstPaginator
