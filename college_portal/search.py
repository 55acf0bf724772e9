"""Swedish full-text search shared by the portal's lists.

On PostgreSQL a query matches stemmed words ("fräsningen" finds "fräsning") and word
prefixes ("svarv" finds "CNC-svarvning") with the `swedish` configuration; every word must
match. SQLite, the embedded default, falls back to icontains per word.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q
from django.db.models.signals import post_save

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
    """SQLite's fallback: rows where every word of `text` is in one of `fields` (icontains).
    On PostgreSQL the lists search their stored vectors instead (`weighted_vector`)."""
    for word in tokens(text):
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def weighted_vector(*fields):
    """A Swedish tsvector of the row's own `fields`, weighted A, B, C… in the order given."""
    vector = None
    for field, weight in zip(fields, "ABCD", strict=False):
        part = SearchVector(field, weight=weight, config=CONFIG)
        vector = part if vector is None else vector + part
    return vector


def keep_search_vector_current(model, fields):
    """After each save of `model` that touches `fields` (or saves the whole row), recompute its
    stored `search_vector` with one UPDATE in the same transaction: a rollback takes the new
    vector with it. PostgreSQL only; SQLite searches with `search_fields`."""
    vector = weighted_vector(*fields)
    watched = set(fields)

    def saved(sender, instance, update_fields=None, **kwargs):
        if is_postgres() and (update_fields is None or watched & set(update_fields)):
            model.objects.filter(pk=instance.pk).update(search_vector=vector)

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"search:{model._meta.label}")
