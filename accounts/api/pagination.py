from rest_framework.pagination import PageNumberPagination


class TenantPagination(PageNumberPagination):
    """Page numbers, with `page_size` chosen by the client up to 1,000 rows."""

    page_size_query_param = "page_size"
    max_page_size = 1000
