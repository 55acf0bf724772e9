"""Swedish full-text search shared by the portal's lists.

On PostgreSQL a query matches stemmed words ("fräsningen" finds "fräsning") and word
prefixes ("svarv" finds "CNC-svarvning") with the `swedish` configuration; every word must
match. SQLite, the embedded default, falls back to icontains per word.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

CONFIG = "swedish"
TOKEN = re.compile(r"\w+", re.UNICODE)


def is_postgres():
    return connection.vendor == "postgresql"


def tokens(text):
    """At most ten words; only \\w+ runs, so no user input reaches tsquery syntax."""
    return TOKEN.findall(text or "")[:10]


def swedish_query(words, weights=""):
    """Every word as a prefix or in another form. `weights` ("A", "AB"…) limits the match to
    the parts of a stored vector with those weights (an organisation's name, not its text)."""
    prefix = SearchQuery(
        " & ".join(f"{w}:*{weights}" for w in words), search_type="raw", config=CONFIG
    )
    if weights:
        stemmed = SearchQuery(
            " & ".join(f"{w}:{weights}" for w in words), search_type="raw", config=CONFIG
        )
    else:
        stemmed = SearchQuery(" ".join(words), config=CONFIG)
    return prefix | stemmed


def search_fields(queryset, text, fields):
    """`queryset` filtered to rows whose `fields` match `text`, best first on PostgreSQL
    (weights A, B, C… in the order given)."""
    words = tokens(text)
    if not words:
        return queryset
    if not is_postgres():
        for word in words:
            condition = Q()
            for field in fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset
    vector = None
    for field, weight in zip(fields, "ABCDDDDD", strict=False):
        part = SearchVector(field, weight=weight, config=CONFIG)
        vector = part if vector is None else vector + part
    query = swedish_query(words)
    return (
        queryset.annotate(search=vector)
        .filter(search=query)
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank")
    )
