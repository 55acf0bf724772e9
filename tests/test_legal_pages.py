"""The public-sector pages: privacy, the accessibility statement and its feedback form (which
reaches the project leads through the outbox), the contact page, the footer that links them from
every page, and the portal's own pages for a bad request (400) and an expired form (CSRF)."""

import re

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core import mail
from django.core.exceptions import SuspiciousOperation
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import path

from college_portal import urls as root_urls
from college_portal.accounts.models import Role
from college_portal.legal import views as legal
from college_portal.notifications.models import Notification
from tests.factories import UserFactory
from tests.helpers import page, sv, url

LEGAL_PAGES = ["privacy", "accessibility", "accessibility_feedback", "contact"]

# Each page's h1 and the h2s a reader must find, in order (English message ids).
HEADINGS = {
    "privacy": (
        "How we handle your personal data",
        [
            "On this page",
            "What we store",
            "Why we may process it",
            "How long we keep it",
            "Who sees your data",
            "Your rights",
            "Contact and complaints",
        ],
    ),
    # DIGG's model statement, heading by heading.
    "accessibility": (
        "Accessibility statement for the Teknikcollege Stockholm portal",
        [
            "How accessible is the website?",
            "What can you do if you cannot use parts of the website?",
            "Report shortcomings in the website's accessibility",
            "Supervision",
            "Technical information about the website's accessibility",
            "How we tested the website",
        ],
    ),
    "accessibility_feedback": ("Report an accessibility problem", []),
    "contact": (
        "Contact",
        ["The project leads", "Questions about an internship or a study visit",
         "Personal data and accessibility"],
    ),
}  # fmt: skip


def in_language(text, lang):
    return sv(text) if lang == "sv" else text


def headings(document, level):
    return [h.text for h in document.find_all(f"h{level}")]


def footer_links(document):
    footer = document.find("footer")
    return {a.attrs["href"] for a in footer.find_all("a")}


# --- The pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["visitor", "student", "lead"])
@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_page_is_shown_in_its_language_to_everyone(client, student, lead, name, lang, who):
    if who != "visitor":
        client.force_login({"student": student, "lead": lead}[who])

    response = client.get(url(name, lang=lang))

    assert response.status_code == 200
    document = page(response)
    assert document.find("html").attrs["lang"] == lang
    title, sections = HEADINGS[name]
    assert headings(document, 1) == [in_language(title, lang)]
    shown = headings(document, 2)
    expected = [in_language(s, lang) for s in sections]
    assert [h for h in shown if h in expected] == expected
    if lang == "sv":
        assert sv(title) != title, "the Swedish page shows the English title"


@pytest.mark.django_db
@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_headings_go_down_one_level_at_a_time_inside_landmarks(client, name):
    document = page(client.get(url(name)))

    levels = [int(e.tag[1]) for e in document.iter() if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert document.find("main") is not None and document.find("footer") is not None
    assert len(document.find_all("main")) == 1


@pytest.mark.django_db
def test_privacy_page_says_how_long_a_cv_is_kept_from_the_setting(client, settings):
    settings.CV_RETENTION_DAYS = 90
    assert "90 dagar" in page(client.get(url("privacy"))).text
    assert "90 days" in page(client.get(url("privacy", lang="en"))).text

    del settings.CV_RETENTION_DAYS  # before the retention job existed: the documented default
    assert "180 dagar" in page(client.get(url("privacy"))).text


@pytest.mark.django_db
def test_privacy_page_names_the_controller_the_rights_and_the_authority(client, settings):
    settings.PORTAL_CONTACT_EMAIL = "kontakt@region.example"
    settings.PORTAL_DPO_EMAIL = "dso@region.example"

    document = page(client.get(url("privacy", lang="en")))

    links = {a.attrs["href"] for a in document.find_all("a")}
    assert {"mailto:kontakt@region.example", "mailto:dso@region.example"} <= links
    assert "https://www.imy.se" in links
    assert url("my_data", lang="en") in links  # the export and deletion the rights point to
    text = document.text
    for right in ("access", "rectification", "erasure", "restriction", "objection",
                  "data portability"):  # fmt: skip
        assert right in text
    assert "6.1 e" in text and "Region Stockholm" in text
    for stored in ("CV", "session cookie", "language", "Notification log", "Activity log"):
        assert stored in text


@pytest.mark.django_db
def test_accessibility_statement_states_compliance_date_and_where_to_complain(client):
    swedish = page(client.get(url("accessibility")))
    english = page(client.get(url("accessibility", lang="en")))

    assert "delvis förenlig" in swedish.text
    assert "partially compliant" in english.text
    assert "WCAG 2.2" in english.text
    dates = [t.attrs["datetime"] for t in english.find_all("time")]
    assert dates == [legal.ASSESSED_ON.isoformat(), legal.STATEMENT_UPDATED_ON.isoformat()]
    assert "28 november 2026" in swedish.text
    links = {a.attrs["href"] for a in english.find_all("a")}
    assert "https://www.digg.se/tdosanmalan" in links
    assert url("accessibility_feedback", lang="en") in links
    # The known shortcomings: the list under "Content that is not accessible".
    main = english.find("main")
    elements = [child for child in main.children if not isinstance(child, str)]
    heading = next(e for e in elements if e.text == "Content that is not accessible")
    shortcomings = elements[elements.index(heading) + 1]
    assert shortcomings.tag == "ul"
    assert "PDF documents that users upload" in shortcomings.text


@pytest.mark.django_db
def test_contact_page_gives_the_address_and_the_ways_on(client, settings):
    settings.PORTAL_CONTACT_EMAIL = "kontakt@region.example"

    document = page(client.get(url("contact", lang="en")))

    links = {a.attrs["href"] for a in document.find_all("a")}
    assert "mailto:kontakt@region.example" in links
    assert {url("privacy", lang="en"), url("accessibility_feedback", lang="en")} <= links
    assert "Region Stockholm" in document.text


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_page_links_to_the_legal_pages_in_its_footer(client, student, company, lang):
    expected = {url(name, lang=lang) for name in ("privacy", "accessibility", "contact")}
    public = ["home", "about", "partners:list", "placements:offer_list", "account_login"]
    for name in public + LEGAL_PAGES:
        response = client.get(url(name, lang=lang))
        assert response.status_code == 200, name
        assert expected <= footer_links(page(response)), name
    not_found = client.get(f"/{lang}/no-such-page/")
    assert not_found.status_code == 404 and expected <= footer_links(page(not_found))

    client.force_login(student)
    for name in ("dashboard", "profile", "my_data"):
        assert expected <= footer_links(page(client.get(url(name, lang=lang)))), name


# --- The feedback form ----------------------------------------------------------------------------


@pytest.fixture
def people(lead, student, rep, teacher):
    """Two active project leads (one reading English), and everyone who must not get the mail:
    a student, a representative, a teacher, a lead whose account is closed, and a staff user who
    is no project lead."""
    english_lead = UserFactory(
        email="erik@example.org", role=Role.PROJECT_LEAD, is_staff=True, language="en"
    )
    UserFactory(email="gone@example.org", role=Role.PROJECT_LEAD, is_staff=True, is_active=False)
    UserFactory(email="staff@example.org", role=Role.SCHOOL_STAFF, is_staff=True)
    return {"leads": [lead, english_lead]}


FEEDBACK = {
    "message": "Knappen Skicka ansökan går inte att nå med tangentbordet.",
    "page": "/sv/erbjudanden/12/",
    "name": "Sara Ek",
    "email": "sara@example.org",
    "submission": "a1b2c3",
}


def send(client, data=None, lang="sv", **extra):
    return client.post(url("accessibility_feedback", lang=lang), data or FEEDBACK, **extra)


@pytest.mark.django_db
def test_feedback_form_shows_its_fields_and_a_one_time_value(client):
    document = page(client.get(url("accessibility_feedback", lang="en") + "?page=/en/offers/"))

    form = document.find("form", method="post", cls="form")
    names = [e.attrs.get("name") for e in form.find_all() if e.tag in ("input", "textarea")]
    assert names[1:] == ["submission", "message", "page", "name", "email"]  # after the CSRF token
    assert form.find("input", name="page").attrs["value"] == "/en/offers/"
    assert re.fullmatch(r"[0-9a-f]{32}", form.find("input", name="submission").attrs["value"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"message": "  "}, "message", "Write what did not work for you."),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"message": "x" * 5001}, "message", None),
    ],
)
def test_invalid_feedback_is_shown_again_with_its_error_and_nothing_is_sent(
    client, people, commit, change, field, error
):
    with commit():
        response = send(client, {**FEEDBACK, **change})

    assert response.status_code == 200
    document = page(response)
    assert document.find("div", cls="error-summary") is not None
    field_errors = document.find("div", id=f"id_{field}_error")
    assert field_errors is not None
    if error:
        assert sv(error) in field_errors.text
    assert document.find("input", name="name").attrs["value"] == "Sara Ek"  # input kept
    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_feedback_reaches_each_active_project_lead_through_the_outbox(client, people, commit):
    with commit():
        response = send(client)

    assert response.status_code == 302
    assert response["Location"] == url("accessibility_feedback")
    rows = Notification.objects.filter(kind="accessibility_feedback")
    leads = people["leads"]
    assert sorted(rows.values_list("email", flat=True)) == sorted(p.email for p in leads)
    assert {row.recipient for row in rows} == set(leads)
    assert len({row.event_key for row in rows}) == 2
    # Sent after commit, each in its reader's language, with what the sender wrote.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in leads)
    by_address = {m.to[0]: m for m in mail.outbox}
    english = by_address["erik@example.org"]
    swedish = by_address["anna@example.org"]
    assert english.subject == "Feedback on the portal's accessibility"
    assert swedish.subject == sv("Feedback on the portal's accessibility")
    for message in (english, swedish):
        assert FEEDBACK["message"] in message.body
        assert FEEDBACK["page"] in message.body
        assert "sara@example.org" in message.body
        assert FEEDBACK["message"] in message.alternatives[0][0]
    thanks = client.get(response["Location"])
    assert sv("Thank you! Your message has been sent to the project leads. If you gave your "
              "e-mail address, we aim to answer within five working days.") in [
        str(m) for m in thanks.context["messages"]
    ]  # fmt: skip


@pytest.mark.django_db
def test_feedback_without_name_or_address_is_sent_and_says_so(client, lead, commit):
    with commit():
        send(client, {"message": "Kontrasten är för svag.", "submission": "x1"}, lang="en")

    (message,) = mail.outbox
    assert "Kontrasten är för svag." in message.body
    assert message.body.count(sv("not given")) == 3
    assert sv("Written in:") + " Engelska" in message.body  # the language the sender read


@pytest.mark.django_db
def test_feedback_html_mail_escapes_what_the_sender_wrote(client, lead, commit):
    with commit():
        send(client, {**FEEDBACK, "message": '<script>alert("x")</script>'})

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.django_db
def test_a_double_click_sends_the_feedback_once(client, people, commit):
    with commit():
        first = send(client)
        second = send(client)

    assert first.status_code == second.status_code == 302
    assert Notification.objects.count() == 2  # one per lead, not four
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_new_message_from_the_same_page_is_sent(client, lead, commit):
    with commit():
        send(client)
        send(client, {**FEEDBACK, "message": "Och rubrikerna hoppar över nivåer."})

    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_post_without_the_one_time_value_is_still_sent_once(client, lead):
    data = {"message": "Länkarna syns inte."}
    send(client, data)
    send(client, data)

    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_feedback_without_any_project_lead_goes_to_the_contact_address(client, settings, commit):
    settings.PORTAL_CONTACT_EMAIL = "kontakt@region.example"
    with commit():
        send(client)

    assert [m.to for m in mail.outbox] == [["kontakt@region.example"]]


@pytest.mark.django_db
def test_an_address_that_sends_many_messages_is_asked_to_wait(client, lead, settings):
    settings.ACCESSIBILITY_FEEDBACK_LIMIT = (2, 3600)
    for number in range(2):
        assert send(client, {**FEEDBACK, "submission": f"s{number}"}).status_code == 302

    refused = send(client, {**FEEDBACK, "submission": "s9", "message": "En tredje sak."})

    assert refused.status_code == 429
    document = page(refused)
    assert "En tredje sak." in document.find("textarea", name="message").text  # nothing lost
    summary = document.find("div", cls="error-summary").text
    assert (
        sv(
            "You have sent several messages in a short time. Wait an hour and try again, or write "
            "to %(email)s."
        )
        % {"email": settings.PORTAL_CONTACT_EMAIL}
        in summary
    )
    assert Notification.objects.count() == 2
    # The limit is per address: another network still gets through.
    assert send(client, {**FEEDBACK, "submission": "t1"}, REMOTE_ADDR="10.1.2.3").status_code == 302
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_a_repeated_submission_does_not_count_against_the_limit(client, lead, settings):
    settings.ACCESSIBILITY_FEEDBACK_LIMIT = (2, 3600)
    send(client)
    send(client)  # the double click

    assert send(client, {**FEEDBACK, "submission": "other"}).status_code == 302


@pytest.mark.django_db
def test_a_failing_cache_lets_feedback_through(client, lead, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr("college_portal.legal.feedback.cache.get", broken)
    monkeypatch.setattr("college_portal.legal.feedback.cache.add", broken)

    assert send(client).status_code == 302
    assert Notification.objects.count() == 1


# --- Error pages: an expired form (CSRF) and a bad request ----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_form_without_its_csrf_token_gets_the_portals_page_in_its_language(lead, lang):
    client = Client(enforce_csrf_checks=True)
    client.get(url("accessibility_feedback", lang=lang))  # the browser has its cookie

    response = send(client, lang=lang)

    assert response.status_code == 403
    document = page(response)
    assert document.find("html").attrs["lang"] == lang
    assert headings(document, 1) == [in_language("The form has expired", lang)]
    explanation = (
        "The form had expired, or it was opened before you signed in or out, so nothing was "
        "saved. Go back, reload the page and try again."
    )
    assert in_language(explanation, lang) in document.text
    assert url("accessibility", lang=lang) in footer_links(document)  # the portal's shell
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_a_signed_in_form_without_its_token_gets_the_page_and_keeps_the_session(student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)

    response = client.post(url("profile", lang="en"), {"full_name": "Someone Else"})

    assert response.status_code == 403
    document = page(response)
    assert headings(document, 1) == ["The form has expired"]
    # Rendered with the request (Django's own view renders the template without it): the
    # header still knows who is signed in.
    assert document.find("button", cls="link-button").text == "Sign out"
    student.refresh_from_db()
    assert student.full_name == "Elsa Lindqvist"
    assert client.get(url("dashboard", lang="en")).status_code == 200


@pytest.mark.django_db
def test_a_browser_without_cookies_is_told_to_allow_them(db):
    client = Client(enforce_csrf_checks=True)

    response = send(client, lang="en")

    assert response.status_code == 403
    assert "Check that cookies are allowed for this site" in page(response).text


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_unknown_host_gets_the_portals_bad_request_page(client, lang):
    response = client.get(url("about", lang=lang), HTTP_HOST="evil.example")

    assert response.status_code == 400
    document = page(response)
    assert document.find("html").attrs["lang"] == lang
    assert headings(document, 1) == [in_language("Bad request", lang)]
    assert url("privacy", lang=lang) in footer_links(document)


@pytest.mark.django_db
def test_an_unknown_host_refused_before_the_language_is_known_gets_the_urls_language(
    client, settings
):
    """In production the HTTPS redirect reads the Host header first, before LocaleMiddleware
    has chosen a language: the page still speaks the language of its address."""
    settings.SECURE_SSL_REDIRECT = True
    client.get(url("about"), secure=True)  # a Swedish page: Swedish was the last language used

    response = client.get(url("about", lang="en"), HTTP_HOST="evil.example")

    assert response.status_code == 400
    document = page(response)
    assert document.find("html").attrs["lang"] == "en"
    assert headings(document, 1) == ["Bad request"]


def suspicious(request):
    raise SuspiciousOperation("a view refusing what it was sent")


# The portal's URLs and error handler, and a view that raises SuspiciousOperation (for
# `pytest.mark.urls(__name__)`); without the root's handler400 Django's own would answer.
urlpatterns = root_urls.urlpatterns + i18n_patterns(path("suspicious/", suspicious))
handler400 = getattr(root_urls, "handler400", "django.views.defaults.bad_request")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_view_refusing_a_request_gets_the_bad_request_page_for_the_signed_in_user(
    client, student, lang
):
    client.force_login(student)

    response = client.get(f"/{lang}/suspicious/")

    assert response.status_code == 400
    document = page(response)
    assert headings(document, 1) == [in_language("Bad request", lang)]
    assert document.find("button", cls="link-button").text == in_language("Sign out", lang)
    assert url("contact", lang=lang) in footer_links(document)


@pytest.mark.parametrize("path", ["/en/anything/", "/sv/", "/"])
def test_error_pages_render_for_a_request_the_middleware_never_saw(path):
    """A request with no user, session or language set (an exception before the middleware)."""
    request = RequestFactory().get(path)

    bad = legal.bad_request(request, Exception("bad"))
    expired = legal.csrf_failure(request, reason="CSRF token missing.")

    lang = "en" if path.startswith("/en/") else "sv"
    assert (bad.status_code, expired.status_code) == (400, 403)
    assert headings(page(bad), 1) == [in_language("Bad request", lang)]
    assert headings(page(expired), 1) == [in_language("The form has expired", lang)]
    assert bad["Content-Language"] == lang


def test_an_error_page_that_cannot_use_the_shell_is_still_answered(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(legal, "render", broken)
    response = legal.bad_request(RequestFactory().get("/en/x/"))

    assert response.status_code == 400
    assert headings(page(response), 1) == ["Bad request"]


def test_the_portal_has_its_own_error_templates():
    for name in ("400.html", "403.html", "403_csrf.html", "404.html"):
        assert get_template(name).template.source.startswith('{% extends "base.html" %}')
    # 500 is rendered with no request and no database: a standalone page in both languages.
    source = get_template("500.html").template.source
    assert "{% extends" not in source and 'lang="sv"' in source and 'lang="en"' in source
