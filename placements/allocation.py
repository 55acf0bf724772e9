"""The APL allocation as a pure function: student-proposing deferred acceptance, its lottery,
its explanations and its statistics. No Django, no database: a file in, a matching out.

File format (README, "Allocation (APL rounds)")::

    in:  {"students": {"s1": ["p2", "p1"], …},
          "places": {"p1": {"capacity": 2, "priority": ["s3", "s1", …]}, …}}
    out: {"matching": {"s1": "p2", "s2": null, …}}

A place's ``priority`` lists the students it ranks, best first (the lottery already applied, or
the company's own ranking). A student who is not on a place's priority list can never be
matched to it, even with seats to spare: the place has not accepted them as an applicant.
"""

import gc
import random
from heapq import heapreplace

ALGORITHM_VERSION = "sp-da-1"


def lottery_priorities(students, places, seed):
    """Each place's priority order from one seeded lottery: ``{place_id: [student_id, …]}``.

    Single tie-breaking: every student draws one lottery number (a permutation of the sorted
    student ids by ``random.Random(seed)``), and every place ranks the students who chose it by
    that number. In New York City's high-school match, one number per student gave more
    students their first choice than a separate draw per place (Abdulkadiroğlu, Pathak & Roth
    2009), and it is the easier rule to explain: "your number was N; the place's last admitted
    student had a better one". The order depends only on the seed
    and the ids, never on dict order. ``places`` is any mapping keyed by place id; places no
    student chose get an empty list. A student's repeated choice is listed once.
    """
    order = sorted(students)
    random.Random(seed).shuffle(order)
    number = {student: n for n, student in enumerate(order)}
    chosen_by = {place: set() for place in places}
    for student, choices in students.items():
        for place in choices:
            chosen_by[place].add(student)
    return {
        place: sorted(applicants, key=number.__getitem__) for place, applicants in chosen_by.items()
    }


def with_priorities(students, places, seed):
    """``places`` with the seeded lottery as ``priority`` wherever a place has none of its own
    (a company that ranked the applicants keeps its ranking)."""
    lottery = lottery_priorities(students, places, seed)
    return {
        place: {**spec, "priority": spec["priority"] if "priority" in spec else lottery[place]}
        for place, spec in places.items()
    }


def allocate(students, places, seed=None):
    """Student-proposing deferred acceptance (Gale–Shapley): ``{"matching": {student: place|None}}``.

    ``students``: ``{student_id: [place_id, …]}`` in preference order; ``places``:
    ``{place_id: {"capacity": int, "priority": [student_id, …]}}``, best first. A student not on
    a place's priority list cannot be matched to it. With ``seed``, a place without ``priority``
    gets the seeded lottery order (``lottery_priorities``); without it every place needs one.
    The input is assumed well-formed (``placements.allocation_file`` checks files); an unknown
    place in a student's list raises ``KeyError``.

    The result is the student-optimal stable matching: no student and place would both rather be
    matched to each other, every student gets the best place they can get in any stable
    matching, and no student gains by misreporting their ranking (when the number of choices is
    not capped: with a cap, leaving out a place one cannot get may pay). It is unique, so it
    does not depend on the order students propose in (nor on the order of the input's dicts);
    students start proposing in input order. Every student of the input appears in the result.
    """
    if seed is not None:
        places = with_priorities(students, places, seed)
    # The set-up makes some 100,000 containers at national size that live until the result is
    # returned and hold no cycles; the cyclic collector would scan them again and again for
    # nothing (about 5 % of the time), so it pauses for the call.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return {"matching": _match(students, _prepare(places))}
    finally:
        if collecting:
            gc.enable()


def _prepare(places):
    """Per place: its key lookup (only for the students on its list), its seats as a min-heap of
    keys, and its priority list. A key is ``len(priority) - position``: higher is better, so the
    heap's first element is the worst student held; an empty seat is key 0 (worse than anyone
    listed) and a place without seats holds one unbeatable key instead."""
    state = {}
    for place, spec in places.items():
        order = spec["priority"]
        size = len(order)
        seats = spec["capacity"]
        # dict(zip(...)) builds the lookup in C: the dominant set-up cost at national size.
        keys = dict(zip(order, range(size, 0, -1), strict=True))
        state[place] = (keys, [0] * seats if seats > 0 else [size + 1], order)
    return state


def _match(students, state):
    # Seats pre-filled with empty keys spare the "is there a free seat?" test: one comparison
    # with the worst held key decides every proposal. ``nxt`` is where a displaced student
    # resumes, and at the end says where each student is: just past the place holding them,
    # or 0 once their list is exhausted. Free students are a stack (any proposal order gives
    # the same matching).
    nxt = dict.fromkeys(students, 0)
    free = list(students)
    free.reverse()  # pop() then proposes in input order
    pop, push = free.pop, free.append
    while free:
        student = pop()
        choices = students[student]
        i = nxt[student]
        for place in choices[i:] if i else choices:
            i += 1
            keys, seats, order = state[place]
            try:
                key = keys[student]
            except KeyError:
                continue  # not on the place's list
            if key > seats[0]:
                out = heapreplace(seats, key)
                if out:
                    push(order[len(order) - out])
                break
        else:
            i = 0
        nxt[student] = i
    return {student: students[student][i - 1] if i else None for student, i in nxt.items()}


def explain(students, places, matching):
    """For each student, why not each choice ranked above the place they got (all choices when
    unplaced): ``{student: [{"place", "reason", …}, …]}`` in the student's order.

    ``reason`` is ``"not_listed"`` (the student is not on the place's priority list) or
    ``"full"`` with ``capacity``, ``position`` (the student's 1-based place on the list) and
    ``cutoff`` (the position of the lowest-ranked student the place got; ``None`` when it has no
    seats), i.e. every seat went to a student the place ranks higher. Raises ``ValueError`` when
    a choice has neither reason: the matching is then not the stable one for this input.
    """
    taken = {place: [] for place in places}
    for student, place in matching.items():
        if place is not None:
            taken[place].append(student)
    cutoffs = {}
    for place, spec in places.items():
        position = {student: n for n, student in enumerate(spec["priority"], start=1)}
        got = [position[student] for student in taken[place]]
        cutoffs[place] = (position, max(got) if got else None, len(got))
    result = {}
    for student, choices in students.items():
        reasons = []
        for place in choices:
            if place == matching.get(student):
                break
            position, cutoff, count = cutoffs[place]
            mine = position.get(student)
            capacity = places[place]["capacity"]
            if mine is None:
                reasons.append({"place": place, "reason": "not_listed"})
            elif count >= capacity and (cutoff is None or cutoff < mine):
                reasons.append(
                    {
                        "place": place,
                        "reason": "full",
                        "capacity": capacity,
                        "position": mine,
                        "cutoff": cutoff,
                    }
                )
            else:
                raise ValueError(f"{student!r} and {place!r} would both rather be matched")
        result[student] = reasons
    return result


def statistics(students, matching):
    """Counts and shares staff read first: first choice, top three, unplaced (of all students)."""
    total = len(students)
    first = top3 = unplaced = 0
    for student, choices in students.items():
        place = matching.get(student)
        if place is None:
            unplaced += 1
            continue
        rank = choices.index(place)
        first += rank == 0
        top3 += rank < 3

    def share(count):
        return round(count / total, 4) if total else 0.0

    return {
        "students": total,
        "first_choice": first,
        "top_three": top3,
        "unplaced": unplaced,
        "first_choice_share": share(first),
        "top_three_share": share(top3),
        "unplaced_share": share(unplaced),
    }
