"""Swedish full-text search over programmes and their courses.

On PostgreSQL each programme keeps a tsvector (Swedish configuration, GIN index) of its name
(weight A), its courses' names (B) and the descriptions (C); a query matches stemmed words
("fräsningen" finds "fräsning") and word prefixes ("svarv" finds "CNC-svarvning"), ranked
with an exact name first. SQLite, the embedded default, falls back to icontains.
"""

from django.contrib.postgres.search import SearchRank, SearchVector
from django.db.models import Case, F, IntegerField, Q, Value, When

from college_portal.search import CONFIG, is_postgres, swedish_query, tokens


def refresh_search_vectors(programme_ids):
    """Recompute the stored vectors of these programmes (after any change to them or their courses)."""
    if not is_postgres() or not programme_ids:
        return
    from .models import Programme

    programmes = Programme.objects.filter(pk__in=programme_ids).prefetch_related("courses")
    for programme in programmes:
        courses = list(programme.courses.all())
        course_names = " ".join(c.name for c in courses)
        course_text = " ".join(f"{c.code} {c.description}" for c in courses)
        Programme.objects.filter(pk=programme.pk).update(
            search_vector=SearchVector(Value(programme.name), weight="A", config=CONFIG)
            + SearchVector(Value(course_names), weight="B", config=CONFIG)
            + SearchVector(Value(programme.description), weight="C", config=CONFIG)
            + SearchVector(Value(course_text), weight="C", config=CONFIG)
        )


def search(queryset, text):
    """Programmes matching `text`, best first."""
    words = tokens(text)
    if not words:
        return queryset
    if not is_postgres():
        from .models import ProgrammeCourse

        condition = Q()
        for word in words:
            # A subquery per word: the words may be in different courses of the programme
            # (one join shared by all words would need them all in the same course).
            # Names and descriptions of courses, as PostgreSQL's vector has them.
            in_a_course = ProgrammeCourse.objects.filter(
                Q(course__name__icontains=word) | Q(course__description__icontains=word)
            )
            condition &= (
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(pk__in=in_a_course.values("programme_id"))
            )
        return queryset.filter(condition)
    query = swedish_query(words)
    return (
        queryset.filter(search_vector=query)
        .annotate(
            # F(), not the field's name: a string would rank on to_tsvector(vector::text),
            # re-parsed per row and without its weights.
            rank=SearchRank(F("search_vector"), query),
            exact=Case(
                # The title as typed ("CNC-operatör") or as its words ("CNC operatör").
                When(
                    Q(name__iexact=text.strip()) | Q(name__iexact=" ".join(words)),
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-exact", "-rank", "name")
    )
