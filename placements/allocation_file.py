"""Reading an allocation input file (the format in placements/allocation.py and the README):
every malformed input is refused with one clear, translated message before anything runs."""

import json

from django.utils.translation import gettext as _


class AllocationFileError(ValueError):
    """The file cannot be allocated; ``str()`` is the message for the person who gave it."""


def _name(value):
    return json.dumps(value, ensure_ascii=False)


def _is_id_list(value):
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _first_repeat(items):
    seen = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    return None


def read_allocation_input(path):
    """``(students, places)`` from the JSON file at ``path``, or ``AllocationFileError``."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise AllocationFileError(
            _("The file %(path)s cannot be read: %(error)s") % {"path": path, "error": error}
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise AllocationFileError(
            _("The file is not valid JSON: %(error)s") % {"error": error}
        ) from None
    return check_allocation_input(data)


def check_allocation_input(data):
    """``(students, places)`` from parsed JSON, or ``AllocationFileError`` naming the first
    problem (students and places in sorted order, so the same file always gives the same one)."""
    if not isinstance(data, dict) or "students" not in data or "places" not in data:
        raise AllocationFileError(
            _('The input must be a JSON object with the keys "students" and "places".')
        )
    students, places = data["students"], data["places"]
    if not isinstance(students, dict):
        raise AllocationFileError(
            _('"students" must be an object mapping each student id to a list of place ids.')
        )
    if not isinstance(places, dict):
        raise AllocationFileError(
            _('"places" must be an object mapping each place id to its "capacity" and "priority".')
        )
    for place in sorted(places):
        spec = places[place]
        if not isinstance(spec, dict) or "capacity" not in spec or "priority" not in spec:
            raise AllocationFileError(
                _('Place %(place)s must be an object with "capacity" and "priority".')
                % {"place": _name(place)}
            )
        capacity = spec["capacity"]
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
            raise AllocationFileError(
                _(
                    "Place %(place)s: the capacity must be a whole number, 0 or more (not %(value)s)."
                )
                % {"place": _name(place), "value": _name(capacity)}
            )
        if not _is_id_list(spec["priority"]):
            raise AllocationFileError(
                _("Place %(place)s: the priority must be a list of student ids (strings).")
                % {"place": _name(place)}
            )
        repeat = _first_repeat(spec["priority"])
        if repeat is not None:
            raise AllocationFileError(
                _("Place %(place)s lists student %(student)s more than once in its priority.")
                % {"place": _name(place), "student": _name(repeat)}
            )
        unknown = next((s for s in spec["priority"] if s not in students), None)
        if unknown is not None:
            raise AllocationFileError(
                _("Place %(place)s lists the unknown student %(student)s in its priority.")
                % {"place": _name(place), "student": _name(unknown)}
            )
    for student in sorted(students):
        choices = students[student]
        if not _is_id_list(choices):
            raise AllocationFileError(
                _("Student %(student)s: the choices must be a list of place ids (strings).")
                % {"student": _name(student)}
            )
        repeat = _first_repeat(choices)
        if repeat is not None:
            raise AllocationFileError(
                _("Student %(student)s lists place %(place)s more than once.")
                % {"student": _name(student), "place": _name(repeat)}
            )
        unknown = next((p for p in choices if p not in places), None)
        if unknown is not None:
            raise AllocationFileError(
                _("Student %(student)s lists the unknown place %(place)s.")
                % {"student": _name(student), "place": _name(unknown)}
            )
    return students, places
