"""Paginated, filterable lists: one page of results and the query string that keeps the
filters in the page links."""

from django.core.paginator import Paginator


def paginated(request, queryset, per_page):
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "total": page.paginator.count,
        "query": query.urlencode(),
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
    }
