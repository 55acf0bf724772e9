"""Swedish full-text search over offers.

On PostgreSQL each offer keeps a tsvector (Swedish configuration, GIN index) of its title
(weight A), municipality (B) and description (C), computed by the database from the row's own
columns; the company's name is matched through the organisation's own stored vector (its name
part, weight A). Ranking reads the stored, weighted vectors: nothing is parsed per row at
query time. SQLite, the embedded default, falls back to icontains.
"""

from django.contrib.postgres.search import SearchRank
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Coalesce

from college_portal.search import is_postgres, search_fields, swedish_query, tokens

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
    return (
        queryset.filter(Q(search_vector=query) | Q(organisation__search_vector=company_name))
        .annotate(
            rank=_rank("search_vector", query) + _rank("organisation__search_vector", company_name)
        )
        .order_by("-rank", "-published_at", "-pk")
    )
