"""Swedish full-text search over offers.

On PostgreSQL each offer keeps a tsvector (Swedish configuration, GIN index) of its title
(weight A), municipality (B) and description (C), computed by the database from the row's own
columns; the company's name is matched through the organisation's own stored vector (its name
part, weight A), read first so that the offers' query uses two indexes. Ranking reads the stored, weighted vectors: nothing is parsed per row at
query time. SQLite, the embedded default, falls back to icontains.
"""

from django.contrib.postgres.search import SearchRank
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Coalesce

from college_portal.search import is_postgres, search_fields, swedish_query, tokens
from partners.models import Organisation

# The row's own columns in its stored vector, weighted A, B, C (signals.py keeps it current).
VECTOR_FIELDS = ("title", "municipality", "description")


def _rank(vector, query):
    return Coalesce(SearchRank(F(vector), query), Value(0.0), output_field=FloatField())


def search(queryset, text):
    """Offers matching `text` in their own words or their company's name, best first."""
    words = tokens(text)
    if not words:
        return queryset
    if not is_postgres():
        return search_fields(
            queryset, text, ["title", "organisation__name", "description", "municipality"]
        )
    query = swedish_query(words)
    company_name = swedish_query(words, weights="A")
    # The companies whose name matches first (a few rows, through their GIN index), then the
    # offers by their own vector OR those companies' ids: both sides of the OR are on the
    # offer table, so PostgreSQL combines two index scans (BitmapOr). An OR across the join
    # to the organisation read every listed offer (15 ms per query at 10,000 offers).
    companies = list(
        Organisation.objects.filter(search_vector=company_name).values_list("pk", flat=True)
    )
    return (
        queryset.filter(Q(search_vector=query) | Q(organisation_id__in=companies))
        .annotate(
            rank=_rank("search_vector", query) + _rank("organisation__search_vector", company_name)
        )
        .order_by("-rank", "-published_at", "-pk")
    )
