"""`make bench`: the portal under gunicorn and wrk, at demo size (1×) and at county scale.

    .venv/bin/python scripts/bench.py            # full run (~10 min on 2 cores)
    .venv/bin/python scripts/bench.py --quick    # shorter wrk runs, fewer search queries
    .venv/bin/python scripts/bench.py --rebuild  # rebuild both bench databases

Two PostgreSQL databases beside the one DATABASE_URL names (default
postgres://postgres@127.0.0.1:5432/portal_bench): `<name>_1x` (migrate + load_demo) and
`<name>_scale` (the demo plus 10,000 offers with slots, 1,000 programmes, 50,000 students and
200,000 applications). Both are kept between runs (a marker table records what was built).
For each, the portal is served by gunicorn (2 sync workers, DEBUG=False) and every page is
driven by wrk beside /healthz/live in the same round; in-process it counts each page's
queries, times ~200 searches and times the weekly digest for 10,000 students (rolled back,
mail to locmem). One line per run is appended to docs/performance.md.

Figures, not assertions: nothing here is a test. Pure helpers (wrk parsing, statistics,
formatting) are importable without Django and tested in tests/test_bench.py.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
MARKER_VERSION = "bench-v1"
SCALE = {
    "offers": 10_000,
    "programmes": 1_000,
    "students": 50_000,
    "applications": 200_000,
    "digest_students": 10_000,
}
# Pages: (key, who, how to find the path in-process). `who` is None for anonymous.
PAGES = [
    ("home", None),
    ("catalogue", None),
    ("catalogue?q", None),
    ("programme", None),
    ("offers", None),
    ("offers?q", None),
    ("partners", None),
    ("partner", None),
    ("offer", None),
    # The floor of a signed-in page: a page with no data of its own (session, account, header).
    ("about", "student"),
    ("dashboard", "student"),
    ("offers", "student"),
    ("dashboard", "rep"),
    ("offers", "rep"),
]
LIVE = "/healthz/live"

# --- word lists for generated data and searches -----------------------------------------------

NOUNS = [
    "svarvning",
    "fräsning",
    "slipning",
    "borrning",
    "gängning",
    "mätteknik",
    "kvalitetskontroll",
    "CNC-programmering",
    "verktygsslipning",
    "fixturkonstruktion",
    "produktionsteknik",
    "underhåll",
    "automation",
    "robotcell",
    "verktygshantering",
    "ritningsläsning",
    "toleranser",
    "ytfinhet",
    "skärdata",
    "materiallära",
    "härdning",
    "svetsning",
    "montering",
    "CAD/CAM",
    "5-axlig bearbetning",
    "fleroperationsmaskin",
    "koordinatmätmaskin",
    "gradning",
    "legoproduktion",
    "prototyptillverkning",
    "serieproduktion",
    "Lean-produktion",
]
ROLES = [
    "CNC-operatör",
    "maskinoperatör",
    "svarvare",
    "fräsare",
    "verktygsmakare",
    "produktionstekniker",
    "ställare",
    "kvalitetstekniker",
    "CNC-programmerare",
    "underhållstekniker",
    "mättekniker",
    "beredare",
]
MATERIALS = ["stål", "rostfritt stål", "aluminium", "titan", "mässing", "gjutjärn", "plast"]
SECTORS = [
    "fordonsindustrin",
    "flygindustrin",
    "medicinteknik",
    "energisektorn",
    "försvaret",
    "verkstadsindustrin",
    "gruvindustrin",
    "läkemedelsindustrin",
]
COMPANY_PARTS = [
    "Precision",
    "Mekaniska",
    "Verkstad",
    "Industri",
    "Teknik",
    "CNC",
    "Legering",
    "Maskin",
    "Detalj",
    "Komponent",
    "Fräs",
    "Svarv",
]
PLACES = [
    "Söder",
    "Norr",
    "Sjö",
    "Berg",
    "Skogs",
    "Älv",
    "Hamn",
    "Malm",
    "Ek",
    "Björk",
    "Lind",
    "Sten",
    "Dal",
    "Ås",
    "Strand",
    "Vik",
]
FIRST = [
    "Anna",
    "Erik",
    "Sara",
    "Johan",
    "Emma",
    "Ali",
    "Elin",
    "Oskar",
    "Maja",
    "Amir",
    "Linnea",
    "Hugo",
    "Nora",
    "Leo",
    "Fatima",
    "Viktor",
    "Ida",
    "Noah",
    "Alva",
    "Omar",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Hassan",
    "Lindberg",
    "Ahmed",
    "Berg",
    "Holm",
]
SEARCH_WORDS = [
    "svarv",
    "fräs",
    "cnc",
    "mätteknik",
    "operatör",
    "verktyg",
    "programmering",
    "5-axlig",
    "slipning",
    "borrning",
    "gängning",
    "kvalitet",
    "underhåll",
    "automation",
    "robot",
    "ritning",
    "tolerans",
    "skärdata",
    "material",
    "härdning",
    "svetsning",
    "montering",
    "cad",
    "cam",
    "fleroperation",
    "koordinatmätning",
    "gradning",
    "prototyp",
    "serieproduktion",
    "lean",
    "aluminium",
    "titan",
    "rostfritt",
    "mässing",
    "fordon",
    "flyg",
    "medicinteknik",
    "energi",
    "praktik",
    "studiebesök",
    "Södertälje",
    "Stockholm",
    "Huddinge",
    "Botkyrka",
    "yrkesvux",
    "komvux",
    "gymnasie",
    "yh",
    "tekniker",
    "ställare",
    "beredare",
    "svarvare",
    "fräsare",
    "maskinoperatör",
    "precision",
    "mekaniska",
    "verkstad",
    "industri",
]


def search_queries(count, seed=11):
    """`count` varied Swedish queries: single words, prefixes, pairs, a few with typos."""
    rng = random.Random(seed)
    queries = list(SEARCH_WORDS)
    while len(queries) < count:
        shape = rng.random()
        if shape < 0.4:
            queries.append(f"{rng.choice(SEARCH_WORDS)} {rng.choice(SEARCH_WORDS)}")
        elif shape < 0.7:
            word = rng.choice(SEARCH_WORDS)
            queries.append(word[: max(3, len(word) - rng.randint(1, 4))])
        elif shape < 0.85:
            queries.append(rng.choice(NOUNS).lower())
        else:
            word = rng.choice(SEARCH_WORDS)
            i = rng.randrange(len(word))
            queries.append(word[:i] + rng.choice("aeiouåäö") + word[i + 1 :])
    return queries[:count]


# --- pure helpers (tested) --------------------------------------------------------------------

_UNITS = {"us": 0.001, "µs": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def duration_ms(text):
    """wrk's '1.23ms', '812.00us', '2.01s' in milliseconds."""
    text = text.strip()
    for unit in sorted(_UNITS, key=len, reverse=True):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * _UNITS[unit]
    return float(text)


def parse_wrk(output):
    """The figures of one wrk run: requests/s, p50/p95/p99 (ms; from the Lua `done` hook, else
    wrk's --latency table), requests, non-2xx/3xx responses and socket errors."""
    result = {
        "rps": None,
        "p50": None,
        "p95": None,
        "p99": None,
        "requests": 0,
        "non2xx": 0,
        "errors": 0,
    }
    for raw in output.splitlines():
        line = raw.strip()
        parts = line.split()
        if line.startswith("Requests/sec:"):
            result["rps"] = float(parts[1])
        elif line.startswith("BENCH "):  # our Lua hook: BENCH p50 p95 p99 in microseconds
            result["p50"], result["p95"], result["p99"] = (int(v) / 1000 for v in parts[1:4])
        elif len(parts) == 2 and parts[0] in ("50%", "99%") and result[f"p{parts[0][:2]}"] is None:
            result[f"p{parts[0][:2]}"] = duration_ms(parts[1])
        elif "requests in" in line:
            result["requests"] = int(parts[0])
        elif line.startswith("Non-2xx or 3xx responses:"):
            result["non2xx"] = int(parts[-1])
        elif line.startswith("Socket errors:"):
            result["errors"] = sum(int(p.rstrip(",")) for p in parts if p.rstrip(",").isdigit())
    return result


def spread(values):
    """(min, median, max) of the non-empty values, or None."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return min(values), statistics.median(values), max(values)


def percentile(values, pct):
    """The nearest-rank percentile of `values`."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def page_label(key, who):
    return f"{who or 'anon'}:{key}"


def queries_cell(data, label):
    """Queries with a cold cache / a warm one, e.g. '12/0'."""
    found = data.get("queries", {})
    if label not in found:
        return "–"
    return f"{found[label]}/{found.get(label + '#warm', '–')}"


def fmt(value, digits=1):
    if value is None:
        return "–"
    return f"{value:.{digits}f}"


def fmt_spread(triple, digits=2):
    if not triple:
        return "–"
    return "/".join(f"{v:.{digits}f}" for v in triple)


def database_url_for(url, name):
    """`url` with its database name replaced."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def database_name(url):
    return urlsplit(url).path.lstrip("/") or "portal_bench"


# --- the orchestrator: no Django in this process ----------------------------------------------


def log(message):
    print(
        f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True
    )


def ensure_wrk():
    if shutil.which("wrk"):
        return
    log("wrk is missing: installing the Debian package")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=False)
    if not shutil.which("wrk"):
        subprocess.run([*sudo, "apt-get", "update"], check=True)
        subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=True)


def django_env(database_url, redis_url, **extra):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="college_portal.settings",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DEBUG="False",
        SECRET_KEY="bench-secret-key-not-for-production-" + "x" * 32,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SECURE_SSL_REDIRECT="False",
        SECURE_HSTS_SECONDS="0",
        REQUIRE_STAFF_MFA="False",
        PORTAL_BASE_URL="http://127.0.0.1:8000",
        CONN_HEALTH_CHECKS="True",
    )
    env.pop("CACHE_REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    env.update(extra)
    return env


def stage(name, database_url, redis_url, *args):
    """Run a Django stage of this script in a child process; return its JSON answer."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
        subprocess.run(
            [PYTHON, __file__, "_" + name, "--out", out.name, *args],
            env=django_env(database_url, redis_url),
            cwd=ROOT,
            check=True,
        )
        return json.load(open(out.name))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flush_redis(redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # the bench's own database number only


class Server:
    def __init__(self, database_url, redis_url):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = django_env(
            database_url, redis_url, PORTAL_BASE_URL=self.base, ALLOWED_HOSTS="127.0.0.1,localhost"
        )
        self.log = open(ROOT / "var" / "bench-gunicorn.log", "a")
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "college_portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.base + LIVE, timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError as error:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "gunicorn did not start: see var/bench-gunicorn.log"
                    ) from error
                time.sleep(0.2)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


LUA = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d\\n", latency:percentile(50), latency:percentile(95),
                         latency:percentile(99)))
end
"""


def run_wrk(url, *, duration, connections, cookie=None, lua_path):
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",  # wrk's default 2 s counts slow pages as socket errors, not latency
        "-s",
        lua_path,
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(command + [url], capture_output=True, text=True, timeout=duration + 60)
    return parse_wrk(done.stdout)


def check_status(base, path, cookie):
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def drive(server, paths, cookies, *, rounds, duration, connections):
    """Interleaved rounds: each round measures /healthz/live, every page, /healthz/live again."""
    results = {label: [] for label in paths}
    live = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(LUA)
    try:
        for label, path in paths.items():  # warm up, and refuse to time error pages
            who = label.split(":", 1)[0]
            status = check_status(server.base, path, cookies.get(who))
            if status != 200:
                log(f"warning: {label} {path} answered {status}")
        for number in range(1, rounds + 1):
            log(f"round {number}/{rounds}")
            before = run_wrk(
                server.base + LIVE, duration=duration, connections=connections, lua_path=lua.name
            )
            page_runs = {}
            for label, path in paths.items():
                who = label.split(":", 1)[0]
                page_runs[label] = run_wrk(
                    server.base + path,
                    duration=duration,
                    connections=connections,
                    cookie=cookies.get(who),
                    lua_path=lua.name,
                )
            after = run_wrk(
                server.base + LIVE, duration=duration, connections=connections, lua_path=lua.name
            )
            live_rps = statistics.mean([before["rps"] or 0, after["rps"] or 0])
            live.append({"rps": live_rps, "p50": before["p50"], "p95": before["p95"]})
            for label, run in page_runs.items():
                run["ratio"] = (run["rps"] / live_rps) if live_rps and run["rps"] else None
                results[label].append(run)
    finally:
        os.unlink(lua.name)
    return live, results


def summarise(live, results):
    rows = {
        "live": {
            "rps": spread([r["rps"] for r in live]),
            "p50": spread([r["p50"] for r in live]),
            "p95": spread([r["p95"] for r in live]),
            "ratio": (1.0, 1.0, 1.0),
            "non2xx": 0,
        }
    }
    for label, runs in results.items():
        rows[label] = {
            "rps": spread([r["rps"] for r in runs]),
            "p50": spread([r["p50"] for r in runs]),
            "p95": spread([r["p95"] for r in runs]),
            "ratio": spread([r["ratio"] for r in runs]),
            "non2xx": sum(r["non2xx"] + r["errors"] for r in runs),
        }
    return rows


def render_table(report):
    lines = []
    labels = ["live"] + [page_label(k, w) for k, w in PAGES]
    for size in ("1x", "scale"):
        data = report.get(size)
        if not data:
            continue
        lines.append(f"\n== {size}: {data['counts']}")
        lines.append(
            f"{'page':22} {'path':46} {'req/s med':>9} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'ratio min/med/max':>17} {'q cold/warm':>11} {'errors':>6}"
        )
        for label in labels:
            row = data["http"].get(label)
            if not row:
                continue

            def med(key, row=row):
                return row[key][1] if row[key] else None

            lines.append(
                f"{label:22} {data['paths'].get(label, LIVE)[:46]:46} {fmt(med('rps'), 0):>9} "
                f"{fmt(med('p50')):>7} {fmt(med('p95')):>7} {fmt_spread(row['ratio']):>17} "
                f"{queries_cell(data, label):>11} {row['non2xx']:>6}"
            )
        search = data.get("search", {})
        if search:
            lines.append(f"search in-process over {search['queries']} queries (ms):")
            for page in ("catalogue", "offers", "partners"):
                s = search[page]
                lines.append(
                    f"  {page:10} p50 {s['p50']:7.1f}  p95 {s['p95']:7.1f}  "
                    f"max {s['max']:7.1f}  queries/request {s['queries']:.1f}"
                )
        digest = data.get("digest")
        if digest:
            lines.append(
                f"weekly digest: {digest['students']} students, {digest['seconds']:.1f} s, "
                f"{digest['queries']} queries ({digest['queries_per_student']:.3f}/student), {digest['sent']} digests"
            )
    return "\n".join(lines)


PERF_HEADER = """# Performance

Figures from `make bench` (`scripts/bench.py`), one line per run, newest last. Never
assertions: the test suite checks query counts; this shows what pages cost.

**Method.** Two PostgreSQL databases: *1×* is `migrate` + `load_demo`; *scale* adds 10,000
offers (internships and study visits with times), 1,000 programmes, 50,000 students (10,000 with
the weekly digest on) and 200,000 applications. The portal runs under gunicorn (2 sync workers,
`DEBUG=False`, Redis cache) on 127.0.0.1; `wrk -t2 -c8` drives each page for a few seconds, in
interleaved rounds, each round also measuring `/healthz/live` (no I/O: the ceiling of the
stack on this machine). The *ratio* is a page's req/s over `/healthz/live`'s in the same round,
so a slower or busier machine moves it less than raw req/s. Query counts come from one
in-process request per page (django.test.Client); search times from the views answering ~200
varied Swedish queries in-process; the digest is `send_weekly_digests` for 10,000 students in a
rolled-back transaction, mail to memory.

**Machine.** {machine}

**Columns.** date, commit, `live` req/s (median of rounds) at 1× | scale; then per page the
median ratio to live at 1×/scale and queries (cold cache/warm cache) at 1×, at scale; search p95 ms at scale
(catalogue/offers/partners); digest seconds and queries per student at scale.

"""


def machine_description():
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in open("/proc/cpuinfo")
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = "unknown CPU"
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model}), {memory_gb:.0f} GB RAM, Debian, PostgreSQL and Redis local."


def performance_line(report, commit, when):
    one, scale = report.get("1x", {}), report.get("scale", {})

    def live(data):
        row = data.get("http", {}).get("live")
        return fmt(row["rps"][1], 0) if row and row["rps"] else "–"

    cells = [when, commit, f"live {live(one)} / {live(scale)} req/s"]
    for key, who in PAGES:
        label = page_label(key, who)
        ratios = []
        for data in (one, scale):
            row = data.get("http", {}).get(label)
            ratios.append(fmt(row["ratio"][1], 2) if row and row["ratio"] else "–")
        queries = [queries_cell(d, label) for d in (one, scale)]
        cells.append(f"{label} {ratios[0]}/{ratios[1]} q{queries[0]}, {queries[1]}")
    search = scale.get("search")
    if search:
        cells.append(
            "search p95 "
            + "/".join(fmt(search[p]["p95"]) for p in ("catalogue", "offers", "partners"))
            + " ms"
        )
    digest = scale.get("digest")
    if digest:
        cells.append(
            f"digest {digest['seconds']:.1f} s {digest['queries']} q ({digest['queries_per_student']:.3f}/student)"
        )
    return "| " + " | ".join(cells) + " |"


def append_performance(line):
    path = ROOT / "docs" / "performance.md"
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        path.write_text(PERF_HEADER.format(machine=machine_description()))
    with path.open("a") as f:
        f.write(line + "\n")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild both bench databases")
    parser.add_argument("--quick", action="store_true", help="2 s wrk runs, 60 search queries")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=None, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--searches", type=int, default=None)
    parser.add_argument("--only", choices=["1x", "scale"], help="one size only")
    parser.add_argument(
        "--no-record", action="store_true", help="do not append to docs/performance.md"
    )
    args = parser.parse_args(argv)
    duration = args.duration or (2 if args.quick else 4)
    searches = args.searches or (60 if args.quick else 200)

    ensure_wrk()
    (ROOT / "var").mkdir(exist_ok=True)
    base_url = os.environ.get("DATABASE_URL", "") or DEFAULT_DATABASE_URL
    if not base_url.startswith(("postgres://", "postgresql://")):
        base_url = DEFAULT_DATABASE_URL
    redis_url = (
        os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    )
    name = database_name(base_url)
    started = time.monotonic()
    log("collectstatic")
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
        env=django_env(database_url_for(base_url, "postgres"), redis_url),
    )
    report = {}
    for size in ("1x", "scale"):
        if args.only and size != args.only:
            continue
        url = database_url_for(base_url, f"{name}_{size}")
        log(f"{size}: database {database_name(url)}")
        counts = stage(
            "build", url, redis_url, "--size", size, *(["--rebuild"] if args.rebuild else [])
        )
        flush_redis(redis_url)
        inproc = stage("inproc", url, redis_url, "--size", size, "--searches", str(searches))
        server = Server(url, redis_url)
        try:
            live, results = drive(
                server,
                inproc["paths"],
                inproc["cookies"],
                rounds=args.rounds,
                duration=duration,
                connections=args.connections,
            )
        finally:
            server.stop()
        report[size] = {
            "counts": counts,
            "paths": inproc["paths"],
            "queries": inproc["queries"],
            "search": inproc["search"],
            "digest": inproc.get("digest"),
            "http": summarise(live, results),
        }
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    commit += "+dirty" if dirty else ""
    print(
        f"bench {datetime.now():%Y-%m-%d %H:%M} commit {commit}; wrk -t2 -c{args.connections} "
        f"-d{duration}s x {args.rounds} rounds; ratio = page req/s / /healthz/live req/s"
    )
    print(render_table(report))
    print(f"\n(total {time.monotonic() - started:.0f} s)")
    if not args.no_record and not args.only:
        path = append_performance(performance_line(report, commit, f"{date.today():%Y-%m-%d}"))
        print(f"appended a line to {path.relative_to(ROOT)}")


# --- Django stages (child processes) ----------------------------------------------------------


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "college_portal.settings")
    import django

    django.setup()


def ensure_database(url, rebuild):
    try:
        import psycopg as driver
    except ImportError:
        import psycopg2 as driver

    name = database_name(url)
    admin = database_url_for(url, "postgres").replace("postgres://", "postgresql://", 1)
    conn = driver.connect(admin)
    conn.autocommit = True
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone()
        if exists and rebuild:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def read_marker():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_marker (key text PRIMARY KEY, value text)")
        cursor.execute("SELECT value FROM bench_marker WHERE key = 'built'")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def write_marker(value):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_marker (key, value) VALUES ('built', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(value)],
        )


def counts_now():
    from college_portal.accounts.models import User
    from placements.models import Application, Offer, Slot
    from programs.models import Programme

    return {
        "offers": Offer.objects.count(),
        "slots": Slot.objects.count(),
        "programmes": Programme.objects.count(),
        "students": User.objects.filter(role="student").count(),
        "applications": Application.objects.count(),
    }


def stage_build(args):
    url = os.environ["DATABASE_URL"]
    ensure_database(url, args.rebuild)
    setup_django()
    from django.core.management import call_command

    wanted = {"version": MARKER_VERSION, "size": args.size}
    marker = read_marker()
    if marker and marker.get("version") == MARKER_VERSION and marker.get("size") == args.size:
        log(f"{args.size}: reusing the database (built {marker.get('at')})")
        call_command("migrate", "--noinput", verbosity=0)  # new migrations of the code under test
        return marker["counts"]
    if marker:
        raise SystemExit(f"{database_name(url)} holds another build ({marker}); use --rebuild")
    log(f"{args.size}: migrate + load_demo")
    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_demo", "--force", stdout=open(os.devnull, "w"))
    if args.size == "scale":
        generate_scale()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = counts_now()
    read_marker()
    write_marker({**wanted, "counts": counts, "at": f"{datetime.now():%Y-%m-%d %H:%M}"})
    log(f"{args.size}: built {counts}")
    return counts


def batched(items, size=5_000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bulk(model, objects, label, size=5_000):
    done = 0
    for chunk in batched(objects, size):
        model.objects.bulk_create(chunk, batch_size=size)
        done += len(chunk)
        log(f"  {label}: {done:,}/{len(objects):,}")


def generate_scale():
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from college_portal.accounts.models import User
    from partners.models import Organisation, PartnerRole
    from partners.municipalities import MUNICIPALITIES
    from placements.models import Application, Offer, Slot, StudentProfile
    from programs.models import Course, Programme, ProgrammeCourse

    rng = random.Random(2026)
    now = timezone.now()
    today = timezone.localdate()

    def description(subject):
        return (
            f"Vi söker dig som vill lära dig {subject} i {rng.choice(MATERIALS)} inom "
            f"{rng.choice(SECTORS)}. Du arbetar med {rng.choice(NOUNS).lower()} och "
            f"{rng.choice(NOUNS).lower()} tillsammans med erfarna {rng.choice(ROLES).lower()}er. "
            f"Hos oss får du prova {rng.choice(NOUNS).lower()}, läsa ritningar och följa "
            f"toleranser på hundradels millimeter."
        )

    with transaction.atomic():
        log("scale: organisations")
        companies = [
            Organisation(
                name=f"{rng.choice(PLACES)}{rng.choice(COMPANY_PARTS).lower()} "
                f"{rng.choice(COMPANY_PARTS)} AB {i}",
                slug=f"bench-foretag-{i}",
                organisation_number=f"559{i:03d}-{rng.randint(1000, 9999)}",
                kind="company",
                municipality=rng.choice(MUNICIPALITIES),
                description=description(rng.choice(NOUNS).lower()),
            )
            for i in range(400)
        ]
        schools = [
            Organisation(
                name=f"{rng.choice(PLACES)}gymnasiet {i}",
                slug=f"bench-skola-{i}",
                organisation_number=f"212{i:03d}-{rng.randint(1000, 9999)}",
                kind="school",
                municipality=rng.choice(MUNICIPALITIES),
                description="Gymnasieskola och vuxenutbildning med industritekniska program.",
            )
            for i in range(40)
        ]
        Organisation.objects.bulk_create(companies + schools)
        companies = list(Organisation.objects.filter(kind="company"))
        schools = list(Organisation.objects.filter(kind="school"))
        PartnerRole.objects.bulk_create(
            [
                PartnerRole(organisation=o, role=r)
                for o in companies
                if o.slug.startswith("bench-")
                for r in rng.sample(
                    ["internship_host", "study_visit_host", "requirement_setter"], 2
                )
            ]
            + [
                PartnerRole(organisation=o, role="education_provider")
                for o in schools
                if o.slug.startswith("bench-")
            ],
            ignore_conflicts=True,
        )

        log("scale: courses and programmes")
        Course.objects.bulk_create(
            Course(
                code=f"BENCH{i:04d}",
                name=f"{NOUNS[i % len(NOUNS)].capitalize()} {i // len(NOUNS) + 1}",
                points=rng.choice([50, 100, 150, 200]),
                description=description(NOUNS[i % len(NOUNS)]),
            )
            for i in range(200)
        )
        courses = list(Course.objects.filter(code__startswith="BENCH"))
        programmes = [
            Programme(
                name=f"{rng.choice(ROLES)} – {rng.choice(NOUNS).lower()} ({rng.choice(MUNICIPALITIES)}) {i}",
                slug=f"bench-program-{i}",
                level=rng.choice(["gymnasieskola", "komvux", "yh"]),
                provider=rng.choice(schools),
                municipality=rng.choice(MUNICIPALITIES),
                description=description(rng.choice(NOUNS).lower()),
                length_weeks=rng.choice([20, 40, 60, 80]),
                published=rng.random() < 0.9,
            )
            for i in range(SCALE["programmes"])
        ]
        bulk(Programme, programmes, "programmes")
        programmes = list(Programme.objects.filter(slug__startswith="bench-program-"))
        ProgrammeCourse.objects.bulk_create(
            [
                ProgrammeCourse(programme=p, course=c, order=n)
                for p in programmes
                for n, c in enumerate(rng.sample(courses, 6), 1)
            ],
            batch_size=5_000,
        )

        log("scale: offers and slots")
        offers = []
        for i in range(SCALE["offers"]):
            kind = "internship" if rng.random() < 0.7 else "study_visit"
            status = rng.choices(["published", "draft", "closed"], [0.8, 0.1, 0.1])[0]
            start = today + timedelta(days=rng.randint(-30, 120))
            subject = rng.choice(NOUNS).lower()
            offers.append(
                Offer(
                    organisation=rng.choice(companies),
                    kind=kind,
                    title=(
                        f"{'Praktik' if kind == 'internship' else 'Studiebesök'}: {rng.choice(ROLES)}"
                        f" – {subject}"
                    ),
                    description=description(subject),
                    municipality=rng.choice(MUNICIPALITIES),
                    places=rng.randint(1, 5),
                    status=status,
                    published_at=now - timedelta(days=rng.randint(0, 60))
                    if status != "draft"
                    else None,
                    application_deadline=start - timedelta(days=rng.randint(5, 20)),
                    period_start=start if kind == "internship" else None,
                    period_end=start + timedelta(days=rng.randint(14, 70))
                    if kind == "internship"
                    else None,
                    contact_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    contact_email=f"kontakt{i}@example.org",
                )
            )
        bulk(Offer, offers, "offers")
        offers = list(Offer.objects.filter(contact_email__startswith="kontakt").only("pk", "kind"))
        through = Offer.programmes.through
        through.objects.bulk_create(
            [
                through(offer_id=o.pk, programme_id=p.pk)
                for o in offers
                for p in rng.sample(programmes, rng.randint(1, 3))
            ],
            batch_size=10_000,
        )
        slots = []
        for o in offers:
            if o.kind != "study_visit":
                continue
            for _ in range(rng.randint(1, 4)):
                starts = now + timedelta(days=rng.randint(-20, 90), hours=rng.randint(8, 14))
                slots.append(
                    Slot(
                        offer_id=o.pk,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=2),
                        capacity=rng.randint(10, 30),
                    )
                )
        bulk(Slot, slots, "slots")

        log("scale: students")
        users = [
            User(
                email=f"bench-elev{i}@example.org",
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                role="student",
                password="!bench-unusable",
                is_active=True,
            )
            for i in range(SCALE["students"])
        ]
        bulk(User, users, "students")
        students = list(
            User.objects.filter(email__startswith="bench-elev").values_list("pk", flat=True)
        )
        profiles = [
            StudentProfile(
                user_id=pk,
                school=rng.choice(schools),
                programme=rng.choice(programmes) if rng.random() < 0.6 else None,
                municipality=rng.choice(MUNICIPALITIES) if rng.random() < 0.5 else "",
                interest_kind=rng.choice(["", "internship", "study_visit"]),
                digest=n < SCALE["digest_students"],
                unsubscribe_token=f"bench-{pk}-{rng.getrandbits(64):x}",
            )
            for n, pk in enumerate(students)
        ]
        bulk(StudentProfile, profiles, "student profiles")

        log("scale: applications")
        internships = [o.pk for o in offers if o.kind == "internship"]
        per_student = SCALE["applications"] // len(students)
        applications = [
            Application(
                offer_id=offer_id,
                student_id=pk,
                motivation=description("svarvning")[:160],
                status=rng.choices(
                    ["submitted", "waitlisted", "accepted", "declined", "withdrawn"],
                    [0.5, 0.1, 0.15, 0.15, 0.1],
                )[0],
                submitted_at=now - timedelta(days=rng.randint(0, 90)),
            )
            for pk in students
            for offer_id in rng.sample(internships, per_student)
        ]
        bulk(Application, applications, "applications", size=10_000)


def stage_inproc(args):
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from college_portal.accounts.models import User
    from partners.models import Organisation
    from placements.models import Offer
    from programs.models import Programme

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True

    class Counter:
        def __init__(self):
            self.count = 0

        def __call__(self, execute, sql, params, many, context):
            self.count += 1
            return execute(sql, params, many, context)

    with translation.override("sv"):
        programme = (
            Programme.objects.filter(slug="cnc-operator-yrkesvux").first()
            or Programme.objects.filter(published=True).order_by("pk").first()
        )
        partner = (
            Organisation.objects.filter(organisation_number="556712-3459").first()
            or Organisation.objects.filter(active=True).order_by("pk").first()
        )
        offer = (
            Offer.objects.listed().filter(organisation=partner).order_by("pk").first()
            or Offer.objects.listed().order_by("pk").first()
        )
        catalogue = reverse("programs:list")
        offers = reverse("placements:offer_list")
        by_key = {
            "home": reverse("home"),
            "catalogue": catalogue,
            "catalogue?q": catalogue + "?q=" + quote("svarv"),
            "programme": reverse("programs:detail", args=[programme.slug]),
            "offers": offers,
            "offers?q": offers + "?q=" + quote("fräs"),
            "partners": reverse("partners:list"),
            "partner": reverse("partners:detail", args=[partner.slug]),
            "offer": reverse("placements:offer_detail", args=[offer.pk]),
            "dashboard": reverse("dashboard"),
            "about": reverse("about"),
        }
    people = {"student": "student@example.org", "rep": "lk@example.org"}
    clients, cookies = {None: Client()}, {}
    for who, email in people.items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        clients[who] = client
        cookies[who] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )

    paths, queries = {}, {}
    for key, who in PAGES:
        label = page_label(key, who)
        path = by_key[key]
        paths[label] = path
        counter = Counter()
        clients[who].get(path)  # warm: first-visit writes do not count
        cache.clear()  # the bench's own Redis database: count what a cold cache costs
        with connection.execute_wrapper(counter):
            response = clients[who].get(path)
        if response.status_code != 200:
            log(f"warning: {label} {path} answered {response.status_code} in-process")
        warm = Counter()
        with connection.execute_wrapper(warm):
            clients[who].get(path)
        queries[label] = counter.count
        queries[label + "#warm"] = warm.count

    search = {"queries": args.searches}
    words = search_queries(args.searches)
    for page, base in (
        ("catalogue", catalogue),
        ("offers", offers),
        ("partners", reverse("partners:list")),
    ):
        times, total = [], 0
        client = clients[None]
        for word in words:
            counter = Counter()
            with connection.execute_wrapper(counter):
                start = time.perf_counter()
                response = client.get(base + "?q=" + quote(word))
                times.append((time.perf_counter() - start) * 1000)
            total += counter.count
            if response.status_code != 200:
                log(f"warning: search {page} {word!r} answered {response.status_code}")
        search[page] = {
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
            "max": max(times),
            "queries": total / len(words),
        }
        log(
            f"{args.size}: search {page} p50 {search[page]['p50']:.1f} ms p95 {search[page]['p95']:.1f} ms"
        )

    result = {"paths": paths, "cookies": cookies, "queries": queries, "search": search}
    if args.size == "scale":
        result["digest"] = time_digest(Counter)
    json.dump(result, open(args.out, "w"))


class _Rollback(Exception):
    pass


def time_digest(Counter):
    from django.db import connection, transaction

    from placements import notifications
    from placements.models import StudentProfile

    students = StudentProfile.objects.filter(digest=True, user__is_active=True).count()
    log(f"scale: weekly digest for {students} students (rolled back)")
    counter = Counter()
    figures = {}
    try:
        with transaction.atomic():
            with connection.execute_wrapper(counter):
                start = time.perf_counter()
                sent = notifications.send_weekly_digests()
                figures["seconds"] = time.perf_counter() - start
            figures["sent"] = sent
            raise _Rollback
    except _Rollback:
        pass
    figures["students"] = students
    figures["queries"] = counter.count
    figures["queries_per_student"] = counter.count / max(students, 1)
    log(f"scale: digest {figures['seconds']:.1f} s, {figures['queries']} queries")
    return figures


def child(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("stage")
    parser.add_argument("--out", required=True)
    parser.add_argument("--size", choices=["1x", "scale"], required=True)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--searches", type=int, default=200)
    args = parser.parse_args(argv)
    if args.stage == "_build":
        json.dump(stage_build(args), open(args.out, "w"))
    elif args.stage == "_inproc":
        stage_inproc(args)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        child(sys.argv[1:])
    else:
        main()
