"""The report as PDF (its text read back with pypdf: every criterion's heading in the chosen
language, each from a new A4 page) and as XLSX (one sheet per table)."""

import io
import re

import openpyxl
import pytest
from pypdf import PdfReader

from college_portal.yearly.exports import sheet_title, static_files_only
from college_portal.yearly.services import freeze_year
from partners.models import Agreement
from tests.helpers import page, url
from tests.yearly.conftest import LAST_YEAR, day
from tests.yearly.test_report_page import SWEDISH_NAMES

pytestmark = pytest.mark.django_db

ENGLISH_NAMES = [
    "Quality-assured process",
    "Regional collaboration",
    "Organisation and steering",
    "Industry's competence needs",
    "Programmes and their dimensioning",
    "Creative and stimulating learning environment",
    "Education within Teknikcollege",
    "Working life's participation in education",
]


def pdf_pages(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    return reader, [" ".join(p.extract_text().split()) for p in reader.pages]


@pytest.mark.parametrize(
    ("lang", "names", "title"),
    [("sv", SWEDISH_NAMES, "Årsrapport"), ("en", ENGLISH_NAMES, "Yearly report")],
)
def test_the_pdf_has_every_criterion_heading_in_the_chosen_language(
    lead_client, two_years, lang, names, title
):
    response = lead_client.get(url("yearly:detail", LAST_YEAR, lang=lang) + "?format=pdf")

    reader, pages = pdf_pages(response)
    assert pages[0].startswith(f"{title} {LAST_YEAR} – Teknikcollege Stockholm")
    # Each criterion starts a page of its own, with its heading first.
    starts = [text for text in pages[1:] if re.match(r"^\d\. ", text)]
    assert len(starts) == 8
    assert [t.split(". ", 1)[1][: len(n)] for t, n in zip(starts, names, strict=True)] == names
    other = ENGLISH_NAMES if lang == "sv" else SWEDISH_NAMES
    assert not any(name in " ".join(pages) for name in other if name not in names)
    # A4 portrait: 210 × 297 mm in points.
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    # No site menu or footer in print; the evidence is there.
    assert "Logga ut" not in " ".join(pages) and "Sign out" not in " ".join(pages)
    assert "Samverkansavtal A" in " ".join(pages)


def test_a_frozen_years_pdf_shows_the_snapshot(lead_client, lead, company, two_years):
    freeze_year(year=LAST_YEAR, user=lead)
    Agreement.objects.create(organisation=company, title="Sent avtal", valid_from=day(LAST_YEAR, 6, 1))

    _reader, pages = pdf_pages(lead_client.get(url("yearly:detail", LAST_YEAR) + "?format=pdf"))

    assert "Sent avtal" not in " ".join(pages)
    assert "Samverkansavtal A" in " ".join(pages)


def test_the_pdf_reads_only_static_files():
    fetcher = static_files_only()

    css = fetcher.fetch("http://testserver/static/yearly/yearly.css")
    assert b"@page" in css.read()
    for address in ("http://example.org/x.css", "file:///etc/passwd", "http://testserver/static/nope.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(address)


def test_the_xlsx_has_one_sheet_per_table_and_the_assessments(lead_client, two_years):
    document = page(lead_client.get(url("yearly:detail", LAST_YEAR, lang="en")))
    captions = [c.text for c in document.find_all("caption")]

    response = lead_client.get(url("yearly:detail", LAST_YEAR, lang="en") + "?format=xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == len(captions) + 1
    assert book.sheetnames[-1] == "Assessments"
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert len({name.lower() for name in book.sheetnames}) == len(book.sheetnames)
    sheets = book.worksheets[:-1]
    assert [sheet["A2"].value for sheet in sheets] == captions
    agreements = sheets[0]
    assert agreements["A1"].value == "2 Regional collaboration"
    assert [c.value for c in agreements[3]] == ["Party", "Kind", "Municipality", "Agreement", "Signed", "Valid from", "Valid to"]  # fmt: skip
    assert [c.value for c in agreements[4]][:4] == ["LK Precision AB", "Company", "Södertälje", "Samverkansavtal A"]  # fmt: skip
    internships = next(s for s in sheets if s["A2"].value.startswith("Internships"))
    assert internships["A1"].value == "8 Working life's participation in education"
    assert [c.value for c in internships[4]] == ["LK Precision AB", 1, 3, 2, 1]  # numbers stay numbers


def test_a_formula_in_a_name_stays_text_in_the_xlsx(lead_client, company):
    company.name = "=HYPERLINK(\"http://evil.example\")"
    company.save()
    Agreement.objects.create(organisation=company, title="=1+1", valid_from=day(LAST_YEAR, 1, 1))

    response = lead_client.get(url("yearly:detail", LAST_YEAR) + "?format=xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A4"].data_type == "s" and sheet["D4"].data_type == "s"
    assert sheet["D4"].value == "=1+1"


def test_sheet_titles_are_short_unique_and_allowed():
    taken = set()
    long = "Internships (praktikplatser) in 2025, per company and more"
    titles = [sheet_title(long, taken), sheet_title(long, taken), sheet_title("a/b:c*d?[e]\\f", taken)]

    assert titles[0] == "Internships (praktikplatser) in"
    assert titles[1] == "Internships (praktikplatser (2)"
    assert titles[2] == "a b c d  e  f"
    assert all(len(t) <= 31 for t in titles)
