"""Reference codes from shipped snapshots: Skolverket's subjects and courses (Gy11 courses and
Gy25 subject levels) and JobTech Taxonomy concepts with their SSYK 2012 codes.

Each snapshot is read, checked whole and only then written in one transaction, so a malformed
file changes nothing. The checks say where the file is wrong in the file's own terms, e.g.
"subjects[2].courses[0]: 'code' missing". Importing the same file twice changes nothing."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import ConceptType, Course, Curriculum, SubjectArea, TaxonomyConcept

DATA_DIR = Path(__file__).resolve().parent / "data"
COURSES_SNAPSHOT = DATA_DIR / "skolverket_courses.json"
TAXONOMY_SNAPSHOT = DATA_DIR / "jobtech_taxonomy.json"

SYLLABUS_URL = (
    "https://syllabuswebb.skolverket.se/syllabuscw/jsp/subject.htm?subjectCode={code}&tos=gy"
)

# Skolverket's typeOfSyllabus of a subject: which curriculum its courses (levels) belong to.
SUBJECT_KINDS = {
    "SUBJECT_SYLLABUS": Curriculum.GY11,
    "GRADE_SUBJECT_SYLLABUS": Curriculum.GY25,
}
COURSE_KINDS = {
    Curriculum.GY11: "COURSE_IN_SUBJECT_SYLLABUS",
    Curriculum.GY25: "LEVEL_IN_GRADE_SUBJECT_SYLLABUS",
}
# The portal's subject area of a newly imported course, by Skolverket's subject code. Staff
# may change it afterwards; a later import leaves it alone.
SUBJECT_AREAS = {
    "DAR": SubjectArea.CNC,
    "PRU": SubjectArea.PRODUCTION,
    "PRD": SubjectArea.PRODUCTION,
    "PROO": SubjectArea.PRODUCTION,
}

SUBJECT_CODE = re.compile(r"^[A-ZÅÄÖ0-9]{2,10}$")
COURSE_CODE = re.compile(r"^[A-Za-zÅÄÖåäö0-9]{3,30}$")
CONCEPT_ID = re.compile(r"^[A-Za-z0-9_-]{3,40}$")
SSYK_CODE = re.compile(r"^[0-9]{1,4}$")


class SnapshotError(Exception):
    """The file cannot be imported; the message says where and why."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def read_json(path):
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnapshotError(_("%(file)s: no such file.") % {"file": path}) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SnapshotError(
            _("%(file)s: cannot be read (%(error)s).") % {"file": path, "error": error}
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SnapshotError(
            _("%(file)s: not valid JSON (line %(line)s, column %(column)s: %(error)s).")
            % {"file": path, "line": error.lineno, "column": error.colno, "error": error.msg}
        ) from None


def _fail(where, message):
    raise SnapshotError(f"{where}: {message}")


def _object(value, where):
    if not isinstance(value, dict):
        _fail(where, _("expected an object."))
    return value


def _list(value, where, key):
    if key not in value:
        _fail(where, _("'%(key)s' missing.") % {"key": key})
    items = value[key]
    if not isinstance(items, list):
        _fail(where, _("'%(key)s' must be a list.") % {"key": key})
    return items


def _text(value, where, key, pattern=None, required=True, max_length=200):
    if key not in value or value[key] in (None, ""):
        if required:
            _fail(where, _("'%(key)s' missing.") % {"key": key})
        return ""
    text = value[key]
    if not isinstance(text, str) or not text.strip():
        _fail(where, _("'%(key)s' must be a non-empty text.") % {"key": key})
    text = text.strip()
    if pattern and not pattern.match(text):
        _fail(where, _("'%(key)s' is not a valid code: %(value)r.") % {"key": key, "value": text})
    if len(text) > max_length:
        _fail(
            where,
            _("'%(key)s' is longer than %(max)s characters.") % {"key": key, "max": max_length},
        )
    return text


def _points(course, where):
    if "points" not in course:
        _fail(where, _("'%(key)s' missing.") % {"key": "points"})
    raw = course["points"]
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).strip().isdigit():
        _fail(where, _("'points' must be a whole number, like \"100\"."))
    points = int(str(raw).strip())
    if not 1 <= points <= 1000:
        _fail(where, _("'points' must be between 1 and 1000."))
    return points


def parse_courses(data):
    """The courses of a Syllabus API answer ({"subjects": [...]}), checked; a list of dicts."""
    _object(data, "(top level)")
    subjects = _list(data, "(top level)", "subjects")
    rows, seen = [], {}
    for s, subject in enumerate(subjects):
        where = f"subjects[{s}]"
        _object(subject, where)
        subject_code = _text(subject, where, "code", SUBJECT_CODE, max_length=10)
        subject_name = _text(subject, where, "name")
        kind = _text(subject, where, "typeOfSyllabus")
        if kind not in SUBJECT_KINDS:
            _fail(
                where,
                _("'typeOfSyllabus' must be one of %(kinds)s, not %(value)r.")
                % {"kinds": ", ".join(SUBJECT_KINDS), "value": kind},
            )
        curriculum = SUBJECT_KINDS[kind]
        version = subject.get("version")
        if version is not None and (
            isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 999
        ):
            _fail(where, _("'version' must be a whole number from 1 to 999."))
        url = _text(subject, where, "url", required=False, max_length=500) or SYLLABUS_URL.format(
            code=subject_code
        )
        if not url.startswith("https://"):
            _fail(where, _("'url' must start with https://."))
        courses = _list(subject, where, "courses")
        if not courses:
            _fail(where, _("'courses' is empty."))
        for c, course in enumerate(courses):
            at = f"{where}.courses[{c}]"
            _object(course, at)
            code = _text(course, at, "code", COURSE_CODE, max_length=30)
            name = _text(course, at, "name")
            points = _points(course, at)
            course_kind = course.get("typeOfSyllabus")
            if course_kind is not None and course_kind != COURSE_KINDS[curriculum]:
                _fail(
                    at,
                    _("'typeOfSyllabus' %(value)r does not belong to a %(subject)s subject.")
                    % {"value": course_kind, "subject": kind},
                )
            key = (code, curriculum)
            if key in seen:
                _fail(
                    at,
                    _("the code %(code)s appears twice (first at %(first)s).")
                    % {"code": code, "first": seen[key]},
                )
            seen[key] = at
            rows.append(
                {
                    "code": code,
                    "curriculum": curriculum,
                    "name": name,
                    "points": points,
                    "subject_code": subject_code,
                    "subject_name": subject_name,
                    "syllabus_version": version,
                    "syllabus_url": url,
                }
            )
    return rows


def parse_concepts(data):
    """The concepts of a Taxonomy API answer ({"data": {"concepts": [...]}}), checked."""
    _object(data, "(top level)")
    if "data" not in data:
        _fail("(top level)", _("'data' missing."))
    concepts = _list(_object(data["data"], "data"), "data", "concepts")
    rows, seen = [], {}
    for i, concept in enumerate(concepts):
        where = f"data.concepts[{i}]"
        _object(concept, where)
        concept_id = _text(concept, where, "id", CONCEPT_ID, max_length=40)
        concept_type = _text(concept, where, "type")
        if concept_type not in ConceptType.values:
            _fail(
                where,
                _("'type' must be one of %(types)s, not %(value)r.")
                % {"types": ", ".join(ConceptType.values), "value": concept_type},
            )
        ssyk = _text(
            concept,
            where,
            "ssyk_code_2012",
            SSYK_CODE,
            required=concept_type == ConceptType.SSYK,
            max_length=4,
        )
        if concept_id in seen:
            _fail(
                where,
                _("the id %(id)s appears twice (first at %(first)s).")
                % {"id": concept_id, "first": seen[concept_id]},
            )
        seen[concept_id] = where
        rows.append(
            {
                "concept_id": concept_id,
                "concept_type": concept_type,
                "label_sv": _text(concept, where, "preferred_label"),
                "label_en": _text(concept, where, "preferred_label_en", required=False),
                "ssyk_code": ssyk,
            }
        )
    return rows


def _write(model, rows, key_fields, create_only=None):
    """update_or_create each row by its key, counting what actually changed."""
    created = updated = unchanged = 0
    create_only = create_only or {}
    with transaction.atomic():
        for row in rows:
            key = {f: row[f] for f in key_fields}
            values = {f: v for f, v in row.items() if f not in key_fields}
            obj = model.objects.select_for_update().filter(**key).first()
            if obj is None:
                extra = {f: fn(row) for f, fn in create_only.items()}
                model.objects.create(**key, **values, **extra)
                created += 1
                continue
            changed = [f for f, v in values.items() if getattr(obj, f) != v]
            if changed:
                for f in changed:
                    setattr(obj, f, values[f])
                obj.save(update_fields=changed)
                updated += 1
            else:
                unchanged += 1
    return ImportResult(created, updated, unchanged)


def import_courses(path=COURSES_SNAPSHOT):
    rows = parse_courses(read_json(path))
    return _write(
        Course,
        rows,
        ["code", "curriculum"],
        create_only={
            "subject_area": lambda row: SUBJECT_AREAS.get(
                row["subject_code"], SubjectArea.PRODUCTION
            )
        },
    )


def import_occupations(path=TAXONOMY_SNAPSHOT):
    return _write(TaxonomyConcept, parse_concepts(read_json(path)), ["concept_id"])
