"""The APL allocation (issue 14, item 3): student-proposing deferred acceptance as a pure function,
its lottery and explanations, and `manage.py allocate` on the documented file format."""

import json
import random
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from placements.allocation import (
    ALGORITHM_VERSION,
    allocate,
    explain,
    lottery_priorities,
    statistics,
)

PROPERTIES = hypothesis_settings(max_examples=200, deadline=None)


# --- Generated rounds -----------------------------------------------------------------------


@st.composite
def rounds(draw, max_students=8, max_places=5):
    """A small round in the file format: each student ranks some places, each place lists some
    students (not only those who chose it, and not always all of them) with a capacity 0–3."""
    students = [f"s{i}" for i in range(draw(st.integers(0, max_students)))]
    places = [f"p{j}" for j in range(draw(st.integers(0, max_places)))]
    choices = {}
    for s in students:
        ranked = draw(st.permutations(places))
        choices[s] = list(ranked[: draw(st.integers(0, len(ranked)))])
    spec = {}
    for p in places:
        listed = draw(st.permutations(students))
        cut = draw(st.integers(0, len(listed)))
        spec[p] = {"capacity": draw(st.integers(0, 3)), "priority": list(listed[:cut])}
    return choices, spec


def shuffled(mapping, rng):
    items = list(mapping.items())
    rng.shuffle(items)
    return dict(items)


def blocking_pairs(students, places, matching):
    """Every (student, place) that would both rather be matched to each other."""
    held = {p: [s for s, q in matching.items() if q == p] for p in places}
    pairs = []
    for s, choices in students.items():
        mine = matching[s]
        better = choices[: choices.index(mine)] if mine is not None else choices
        for p in better:
            priority = places[p]["priority"]
            if s not in priority:
                continue
            free_seat = len(held[p]) < places[p]["capacity"]
            beats_someone = any(priority.index(s) < priority.index(t) for t in held[p])
            if free_seat or beats_someone:
                pairs.append((s, p))
    return pairs


def textbook_allocation(students, places):
    """Deferred acceptance in rounds, as textbooks tell it: all free students propose, each
    place keeps its best applicants up to capacity and rejects the rest."""
    nxt = dict.fromkeys(students, 0)
    held = {p: [] for p in places}
    while True:
        proposals = {p: [] for p in places}
        for s, choices in students.items():
            placed = any(s in kept for kept in held.values())
            if not placed and nxt[s] < len(choices):
                proposals[choices[nxt[s]]].append(s)
                nxt[s] += 1
        if not any(proposals.values()):
            break
        for p, new in proposals.items():
            priority = places[p]["priority"]
            pool = sorted((s for s in held[p] + new if s in priority), key=priority.index)
            held[p] = pool[: max(places[p]["capacity"], 0)]
    matching = dict.fromkeys(students)
    for p, kept in held.items():
        for s in kept:
            matching[s] = p
    return matching


# --- The matching ---------------------------------------------------------------------------


@PROPERTIES
@given(rounds())
def test_matching_is_stable_within_capacity_and_only_on_chosen_listed_places(round_):
    students, places = round_

    matching = allocate(students, places)["matching"]

    assert set(matching) == set(students)  # every student once, at most one place each
    assert blocking_pairs(students, places, matching) == []
    for p, spec in places.items():
        assert sum(1 for q in matching.values() if q == p) <= spec["capacity"]
    for s, p in matching.items():
        if p is not None:
            assert p in students[s]
            assert s in places[p]["priority"]


@PROPERTIES
@given(rounds())
def test_matching_is_the_student_optimal_one_of_the_textbook_algorithm(round_):
    students, places = round_

    assert allocate(students, places)["matching"] == textbook_allocation(students, places)


@PROPERTIES
@given(rounds(), st.randoms(use_true_random=False))
def test_order_of_the_input_does_not_matter(round_, rng):
    students, places = round_

    again = allocate(shuffled(students, rng), shuffled(places, rng))

    assert again == allocate(students, places)


@PROPERTIES
@given(rounds(), st.integers(0, 2**32), st.randoms(use_true_random=False))
def test_same_seed_and_input_give_the_same_result(round_, seed, rng):
    students, places = round_
    capacities = {p: {"capacity": spec["capacity"]} for p, spec in places.items()}

    first = allocate(students, capacities, seed=seed)
    second = allocate(shuffled(students, rng), shuffled(capacities, rng), seed=seed)

    assert first == second
    with_lottery = {
        p: {"capacity": capacities[p]["capacity"], "priority": order}
        for p, order in lottery_priorities(students, capacities, seed).items()
    }
    assert allocate(students, with_lottery) == first


def test_the_classic_example():
    # Three students, two places of one seat: s1 and s2 both want p1, which ranks s2 first.
    students = {"s1": ["p1", "p2"], "s2": ["p1", "p2"], "s3": ["p2"]}
    places = {
        "p1": {"capacity": 1, "priority": ["s2", "s1", "s3"]},
        "p2": {"capacity": 1, "priority": ["s1", "s3", "s2"]},
    }

    assert allocate(students, places) == {"matching": {"s1": "p2", "s2": "p1", "s3": None}}
    assert ALGORITHM_VERSION == "sp-da-1"


def test_a_student_not_on_a_places_list_is_never_matched_to_it_even_with_seats_free():
    students = {"s1": ["p1", "p2"]}
    places = {"p1": {"capacity": 5, "priority": []}, "p2": {"capacity": 1, "priority": ["s1"]}}

    assert allocate(students, places)["matching"] == {"s1": "p2"}
    assert explain(students, places, {"s1": "p2"}) == {
        "s1": [{"place": "p1", "reason": "not_listed"}]
    }


# --- The lottery ----------------------------------------------------------------------------


@PROPERTIES
@given(rounds(), st.integers(0, 2**32))
def test_lottery_is_one_draw_over_the_students_who_chose_each_place(round_, seed):
    students, places = round_

    lottery = lottery_priorities(students, places, seed)

    assert set(lottery) == set(places)
    for p, order in lottery.items():
        assert sorted(order) == sorted(s for s, c in students.items() if p in c)
    # Single tie-breaking: two students are in the same order at every place listing both.
    position = {}
    for order in lottery.values():
        for a, b in zip(order, order[1:], strict=False):
            assert position.setdefault((b, a), "after") != "before"
            position[(a, b)] = "before"
    assert lottery_priorities(students, places, seed) == lottery


# --- Explanations ---------------------------------------------------------------------------


@PROPERTIES
@given(rounds())
def test_explanations_match_the_matching(round_):
    students, places = round_
    matching = allocate(students, places)["matching"]

    explanations = explain(students, places, matching)

    assert set(explanations) == set(students)
    for s, reasons in explanations.items():
        choices = students[s]
        above = choices[: choices.index(matching[s])] if matching[s] else choices
        assert [r["place"] for r in reasons] == above
        for reason in reasons:
            p = reason["place"]
            priority = places[p]["priority"]
            got = [priority.index(t) + 1 for t, q in matching.items() if q == p]
            if reason["reason"] == "not_listed":
                assert s not in priority
                continue
            assert reason["reason"] == "full"
            assert reason["position"] == priority.index(s) + 1
            assert len(got) == places[p]["capacity"] == reason["capacity"]
            assert reason["cutoff"] == (max(got) if got else None)
            assert all(position < reason["position"] for position in got)


def test_explain_refuses_a_matching_that_is_not_the_stable_one():
    students = {"s1": ["p1"], "s2": ["p1"]}
    places = {"p1": {"capacity": 1, "priority": ["s1", "s2"]}}

    with pytest.raises(ValueError):
        explain(students, places, {"s1": None, "s2": "p1"})  # p1 prefers s1
    with pytest.raises(ValueError):
        explain(students, places, {"s1": None, "s2": None})  # p1 has a free seat


def test_statistics_count_first_choice_top_three_and_unplaced():
    students = {"a": ["p1"], "b": ["p1", "p2", "p3", "p4"], "c": ["p1", "p2", "p3", "p4"], "d": []}
    matching = {"a": "p1", "b": "p3", "c": "p4", "d": None}

    stats = statistics(students, matching)

    assert (stats["first_choice"], stats["top_three"], stats["unplaced"]) == (1, 2, 1)
    assert stats["first_choice_share"] == 0.25


# --- The command ----------------------------------------------------------------------------

ROUND = {
    "students": {"s1": ["p2", "p1"], "s2": ["p2"], "s3": ["p1", "p2"]},
    "places": {
        "p1": {"capacity": 2, "priority": ["s3", "s1"]},
        "p2": {"capacity": 1, "priority": ["s2", "s1"]},
    },
}


def write(tmp_path, data, name="round.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_command_prints_the_matching_as_sorted_json(tmp_path):
    out = StringIO()

    call_command("allocate", "--input", write(tmp_path, ROUND), stdout=out)

    printed = out.getvalue()
    assert json.loads(printed) == {"matching": {"s1": "p1", "s2": "p2", "s3": "p1"}}
    assert printed.index('"s1"') < printed.index('"s2"') < printed.index('"s3"')


def test_command_round_trip_through_files(tmp_path):
    output = tmp_path / "matching.json"
    rng = random.Random(14)
    students = {f"s{i}": rng.sample([f"p{j}" for j in range(6)], 3) for i in range(20)}
    capacities = {f"p{j}": {"capacity": 3} for j in range(6)}
    places = {
        p: {"capacity": 3, "priority": order}
        for p, order in lottery_priorities(students, capacities, "seed").items()
    }

    call_command(
        "allocate",
        "--input",
        write(tmp_path, {"students": students, "places": places}),
        "--output",
        str(output),
    )

    assert json.loads(output.read_text(encoding="utf-8")) == allocate(students, places)


def test_unplaced_student_maps_to_null(tmp_path):
    data = {"students": {"s1": ["p1"], "s2": ["p1"]}, "places": {"p1": {"capacity": 1, "priority": ["s2", "s1"]}}}
    out = StringIO()

    call_command("allocate", "--input", write(tmp_path, data), stdout=out)

    assert '"s1": null' in out.getvalue()


REFUSALS = [
    ("{not json", "not valid JSON", "inte giltig JSON"),
    ([], 'keys "students" and "places"', 'nycklarna "students" och "places"'),
    ({"students": {}}, 'keys "students" and "places"', 'nycklarna "students" och "places"'),
    ({"students": [], "places": {}}, '"students" must be an object', '"students" måste vara'),
    ({"students": {}, "places": []}, '"places" must be an object', '"places" måste vara'),
    ({"students": {}, "places": {"p1": {"capacity": 1}}}, 'Place "p1" must be an object', 'Platsen "p1" måste'),
    ({"students": {}, "places": {"p1": {"capacity": -1, "priority": []}}}, "capacity must be a whole number", "antalet platser måste"),
    ({"students": {}, "places": {"p1": {"capacity": "2", "priority": []}}}, "capacity must be a whole number", "antalet platser måste"),
    ({"students": {}, "places": {"p1": {"capacity": 1.5, "priority": []}}}, "capacity must be a whole number", "antalet platser måste"),
    ({"students": {}, "places": {"p1": {"capacity": True, "priority": []}}}, "capacity must be a whole number", "antalet platser måste"),
    ({"students": {}, "places": {"p1": {"capacity": 1, "priority": "s1"}}}, "priority must be a list", "prioriteringen måste"),
    ({"students": {"s1": []}, "places": {"p1": {"capacity": 1, "priority": ["s1", "s1"]}}}, 'student "s1" more than once', 'eleven "s1" mer än en gång'),
    ({"students": {}, "places": {"p1": {"capacity": 1, "priority": ["s9"]}}}, 'unknown student "s9"', 'okänd elev "s9"'),
    ({"students": {"s1": "p1"}, "places": {"p1": {"capacity": 1, "priority": []}}}, "choices must be a list", "valen måste"),
    ({"students": {"s1": [1]}, "places": {"p1": {"capacity": 1, "priority": []}}}, "choices must be a list", "valen måste"),
    ({"students": {"s1": ["p1", "p1"]}, "places": {"p1": {"capacity": 1, "priority": []}}}, 'place "p1" more than once', 'platsen "p1" mer än en gång'),
    ({"students": {"s1": ["p7"]}, "places": {"p1": {"capacity": 1, "priority": []}}}, 'unknown place "p7"', 'okänd plats "p7"'),
]


@pytest.mark.parametrize(("data", "english", "swedish"), REFUSALS)
def test_command_refuses_malformed_input_with_a_clear_message_and_code_2(tmp_path, data, english, swedish):
    path = write(tmp_path, data)

    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("allocate", "--input", path)
    assert english in str(refused.value)
    assert refused.value.returncode == 2

    with translation.override("sv"), pytest.raises(CommandError) as refused:
        call_command("allocate", "--input", path)
    assert swedish in str(refused.value)


def test_command_refuses_a_missing_file(tmp_path):
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("allocate", "--input", str(tmp_path / "missing.json"))

    assert "cannot be read" in str(refused.value)
    assert refused.value.returncode == 2


def test_command_exits_2_from_the_shell_and_prints_no_matching(tmp_path):
    path = write(tmp_path, {"students": {"s1": ["p7"]}, "places": {}})

    result = subprocess.run(
        [sys.executable, "manage.py", "allocate", "--input", path],
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert '"p7"' in result.stderr


# --- The benchmark script (its input, never its times) ---------------------------------------


def _bench_module():
    import importlib.util

    path = Path(settings.BASE_DIR) / "scripts" / "bench_allocation.py"
    spec = importlib.util.spec_from_file_location("bench_allocation", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_input_is_a_valid_reproducible_round_and_the_script_prints_its_figures(capsys):
    bench = _bench_module()

    students, places = bench.national_input(300, 90, 5, seed="t")

    assert bench.national_input(300, 90, 5, seed="t") == (students, places)
    assert all(len(set(c)) == len(c) == 5 for c in students.values())
    seats = sum(spec["capacity"] for spec in places.values())
    assert 200 <= seats <= 400  # about one seat per student
    matching = allocate(students, places)["matching"]
    assert blocking_pairs(students, places, matching) == []
    bench.main(["--students", "300", "--places", "90", "--choices", "5", "--runs", "1"])
    printed = capsys.readouterr().out
    assert "set-up" in printed and "allocation" in printed and "unplaced" in printed


def test_readme_example_gives_the_readme_output(tmp_path):
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Allocation (APL rounds)")[1].split("\n## ")[0]
    blocks = [block.split("```")[0] for block in section.split("```json")[1:]]
    given_in, given_out = (json.loads(block) for block in blocks)
    out = StringIO()

    call_command("allocate", "--input", write(tmp_path, given_in), stdout=out)

    assert json.loads(out.getvalue()) == given_out
