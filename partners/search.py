"""Swedish full-text search over organisations (the partner list, and offers by company name).

On PostgreSQL each organisation keeps a tsvector (Swedish configuration, GIN index) of its
name (weight A), municipality (B) and description (C), computed by the database from the
row's own columns. SQLite, the embedded default, falls back to icontains.
"""

from django.contrib.postgres.search import SearchRank, SearchVector
from django.db.models import F

from college_portal.search import CONFIG, is_postgres, search_fields, swedish_query, tokens

VECTOR = (
    SearchVector("name", weight="A", config=CONFIG)
    + SearchVector("municipality", weight="B", config=CONFIG)
    + SearchVector("description", weight="C", config=CONFIG)
)
# The fields in the vector: a save that changes none of them leaves the vector as it is.
FIELDS = {"name", "municipality", "description"}


def refresh_search_vectors(organisation_ids):
    """Recompute the stored vectors of these organisations (one UPDATE; PostgreSQL only)."""
    if not is_postgres() or not organisation_ids:
        return
    from .models import Organisation

    Organisation.objects.filter(pk__in=organisation_ids).update(search_vector=VECTOR)


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
