"""Swedish full-text search over organisations (the partner list, and offers by company name).

On PostgreSQL each organisation keeps a tsvector (Swedish configuration, GIN index) of its
name (weight A), municipality (B) and description (C), computed by the database from the
row's own columns. SQLite, the embedded default, falls back to icontains.
"""

from django.contrib.postgres.search import SearchRank
from django.db.models import F

from college_portal.search import is_postgres, search_fields, swedish_query, tokens

# The row's own columns in its stored vector, weighted A, B, C (signals.py keeps it current).
VECTOR_FIELDS = ("name", "municipality", "description")


def search(queryset, text):
    """Organisations matching `text`, best first (a word in the name before one in the text)."""
    words = tokens(text)
    if not words:
        return queryset
    if not is_postgres():
        return search_fields(queryset, text, ["name", "municipality", "description"])
    query = swedish_query(words)
    return (
        queryset.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "name")
    )
