"""The bench script's pure helpers (scripts/bench.py): no network, no database, no timing."""

import importlib.util
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location(
    "bench", Path(__file__).resolve().parent.parent / "scripts" / "bench.py"
)
bench = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bench)

WRK_OUTPUT = """\
Running 5s test @ http://127.0.0.1:41234/sv/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    14.21ms    3.02ms  41.07ms   80.12%
    Req/Sec   282.45     20.11   320.00     70.00%
  Latency Distribution
     50%   13.60ms
     75%   15.10ms
     90%   17.93ms
     99%    1.02s
  2817 requests in 5.01s, 41.55MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    562.27
Transfer/sec:      8.29MB
BENCH 13604 19210 26002
"""


def test_parse_wrk_reads_throughput_latencies_and_errors():
    result = bench.parse_wrk(WRK_OUTPUT)

    assert result["rps"] == pytest.approx(562.27)
    assert result["requests"] == 2817
    assert result["non2xx"] == 3
    assert result["errors"] == 0
    # The Lua hook's figures (microseconds) win over wrk's table where both exist.
    assert result["p50"] == pytest.approx(13.604)
    assert result["p95"] == pytest.approx(19.21)
    assert result["p99"] == pytest.approx(26.002)


def test_parse_wrk_without_the_hook_falls_back_to_the_latency_table():
    output = WRK_OUTPUT.replace("BENCH 13604 19210 26002\n", "")
    output += "  Socket errors: connect 0, read 2, write 0, timeout 5\n"

    result = bench.parse_wrk(output)

    assert result["p50"] == pytest.approx(13.6)
    assert result["p99"] == pytest.approx(1020.0)
    assert result["p95"] is None
    assert result["errors"] == 7


@pytest.mark.parametrize(
    ("text", "ms"), [("812.00us", 0.812), ("1.5ms", 1.5), ("2.01s", 2010.0), ("1.00m", 60000.0)]
)
def test_duration_ms(text, ms):
    assert bench.duration_ms(text) == pytest.approx(ms)


def test_spread_and_percentile():
    assert bench.spread([3.0, None, 1.0, 2.0]) == (1.0, 2.0, 3.0)
    assert bench.spread([None]) is None
    assert bench.percentile(list(range(1, 101)), 95) == 95
    assert bench.percentile([5.0], 50) == 5.0


def test_search_queries_are_varied_swedish_and_repeatable():
    queries = bench.search_queries(200)

    assert len(queries) == 200
    assert queries == bench.search_queries(200)
    assert {"svarv", "fräs", "cnc", "mätteknik", "5-axlig"} <= set(queries)
    assert len(set(queries)) > 150


def test_database_url_for_replaces_only_the_name():
    url = "postgres://postgres@127.0.0.1:5432/portal_bench"

    assert bench.database_name(url) == "portal_bench"
    assert bench.database_url_for(url, "portal_bench_scale") == (
        "postgres://postgres@127.0.0.1:5432/portal_bench_scale"
    )


def test_performance_line_has_one_cell_per_page():
    row = {
        "rps": (90.0, 100.0, 110.0),
        "p50": None,
        "p95": None,
        "ratio": (0.1, 0.2, 0.3),
        "non2xx": 0,
    }
    data = {
        "http": {"live": {**row, "rps": (1000.0, 1000.0, 1000.0)}, "anon:home": row},
        "queries": {"anon:home": 7, "anon:home#warm": 0},
    }
    line = bench.performance_line({"1x": data, "scale": data}, "abc1234", "2026-01-01")

    assert line.startswith("| 2026-01-01 | abc1234 | live 1000 / 1000 req/s |")
    assert "anon:home 0.20/0.20 q7/0, 7/0" in line
    assert line.count("|") == len(bench.PAGES) + 4
