"""The RSJHT statement's fixed table layout: the widest amounts fit their columns, no content is dropped.

The statement's tables use `table-layout: fixed` with explicit column widths (the auto layout was a fifth
of the render time, bench/README.md), so nothing widens a column for a long amount any more: these tests
lay the document out with WeasyPrint and check every table cell's text stays inside the cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from weasyprint.formatting_structure import boxes

from participants.statements.models import Statement
from participants.statements.services import statement_pdf_context
from portal.pdf import render_document, render_pdf

TEMPLATE = "participants/pdf/statement.html"
# Layout positions are floats in CSS px; a hundredth of a pixel is rounding, not overflow.
EPSILON = 0.01


@pytest.fixture(autouse=True)
def _indonesian() -> Iterator[None]:
    with translation.override("id"):
        yield


EMPLOYER = "PT Sinar Abadi Nusantara Sejahtera"


def _row(month: int, wage: int, share: int, employer: str = EMPLOYER) -> dict[str, Any]:
    return {
        "month": f"2025-{month:02d}-01",
        "posted_on": f"2025-{month:02d}-15",
        "employer": employer,
        "wage_idr": wage,
        "jht_employer_idr": share,
        "jht_worker_idr": share,
        "jp_employer_idr": share,
        "jp_worker_idr": share,
        "missing": False,
    }


def _statement(rows: list[dict[str, Any]], *, opening: int, development: int) -> Statement:
    contributions = sum(r.get("jht_employer_idr", 0) + r.get("jht_worker_idr", 0) for r in rows)
    data = {
        "kpj": "21000000009",
        "full_name": "Budi Santoso Wicaksono",
        "nik_masked": "3171********0009",
        "category": "Penerima Upah",
        "branch": "Kantor Cabang Jakarta Salemba",
        "year": 2025,
        "as_of": "2025-12-31",
        "opening_balance_idr": opening,
        "rows": rows,
        "contributions_idr": contributions,
        "development_idr": development,
        "development_rate": "5.630",
        "development_rate_assumed": True,
        "other_idr": 0,
        "closing_balance_idr": opening + contributions + development,
    }
    return Statement(
        year=2025,
        document_number="RSJHT/2025/TEST-0009",
        data=data,
        rendered_at=dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC),
    )


def _walk(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _layout(statement: Statement) -> Any:
    return render_document(TEMPLATE, statement_pdf_context(statement))


def _overflowing_text(document: Any) -> list[str]:
    """Text of every line that sticks out of its table cell's content box (left or right)."""
    out = []
    for page in document.pages:
        for cell in _walk(page._page_box):
            if not isinstance(cell, boxes.TableCellBox):
                continue
            left = cell.content_box_x()
            right = left + cell.width
            for text in _walk(cell):
                if isinstance(text, boxes.TextBox) and (
                    text.position_x < left - EPSILON or text.position_x + text.width > right + EPSILON
                ):
                    out.append(text.text)
    return out


def _lines(document: Any) -> list[str]:
    """Each laid-out line's text (a table cell's amount is one line when it did not wrap)."""
    return [
        "".join(t.text for t in _walk(line) if isinstance(t, boxes.TextBox))
        for page in document.pages
        for line in _walk(page._page_box)
        if isinstance(line, boxes.LineBox)
    ]


def test_ten_digit_totals_fit_every_money_column() -> None:
    # Ten months of Rp123.456.789 in every money column: each column's total is Rp1.234.567.890.
    rows = [_row(m, 123_456_789, 123_456_789) for m in range(1, 11)]
    rows.append({"month": "2025-11-01", "missing": True})
    context = statement_pdf_context(_statement(rows, opening=98_765_432_101, development=1_234_567_890))
    assert set(context["totals"].values()) == {1_234_567_890}

    document = _layout(_statement(rows, opening=98_765_432_101, development=1_234_567_890))

    assert _overflowing_text(document) == []
    lines = _lines(document)
    # The totals row: five money columns, each the whole amount on one line.
    assert lines.count("Rp1.234.567.890") == 5 + 1  # + the development return in the summary
    assert lines.count("Rp123.456.789") == 10 * 5
    assert "Rp98.765.432.101" in lines  # opening balance in the summary
    assert len(document.pages) == 1


def test_ten_digit_totals_are_in_the_pdf_text() -> None:
    """The written PDF, read back by PDFium: every total is there as one piece of text."""
    import pypdfium2 as pdfium

    rows = [_row(m, 123_456_789, 123_456_789) for m in range(1, 11)]
    statement = _statement(rows, opening=98_765_432_101, development=1_234_567_890)
    pdf = pdfium.PdfDocument(render_pdf(TEMPLATE, statement_pdf_context(statement)))
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    assert text.count("Rp1.234.567.890") == 5 + 1
    assert text.count("Rp123.456.789") == 10 * 5
    assert "Rp98.765.432.101" in text
    assert "RSJHT/2025/TEST-0009" in text


def test_eleven_digit_wage_total_and_ten_digit_rows_fit() -> None:
    # A year of Rp1.234.567.890 wages: rows of ten digits, a wage total of eleven.
    rows = [_row(m, 1_234_567_890, 102_880_657) for m in range(1, 13)]
    document = _layout(_statement(rows, opening=0, development=0))

    assert _overflowing_text(document) == []
    lines = _lines(document)
    assert lines.count("Rp1.234.567.890") == 12
    assert "Rp14.814.814.680" in lines
    assert lines.count("Rp1.234.567.884") == 4  # the other four columns' totals


def test_a_long_employer_name_without_spaces_wraps_inside_its_column() -> None:
    rows = [_row(1, 7_250_000, 268_250, employer="PT.SINARABADINUSANTARASEJAHTERAMAKMURJAYAABADI")]
    document = _layout(_statement(rows, opening=42_345_678, development=2_400_000))

    assert _overflowing_text(document) == []
    assert "".join(_lines(document)).count("PT.SINARABADINUSANTARASEJAHTERAMAKMURJAYAABADI") == 1


def test_statement_keeps_every_required_part() -> None:
    """docs/balance.md#statement-rincian-saldo-jht: opening balance, a row per month with posting date,
    month, reported wage and shares (JP for information), months without contribution marked,
    development, closing balance, the document number to quote in a complaint."""
    rows: list[dict[str, Any]] = [_row(m, 7_250_000, 145_000) for m in range(1, 4)]
    rows.append({"month": "2025-04-01", "missing": True})
    rows += [_row(m, 6_900_000, 138_000) for m in range(5, 13)]
    document = _layout(_statement(rows, opening=42_345_678, development=2_400_000))
    text = " ".join(" ".join(_lines(document)).split())  # wrapped header lines joined again

    assert len(document.pages) == 1
    assert _overflowing_text(document) == []
    for expected in (
        "Rincian Saldo JHT Tahun 2025",
        "Nomor dokumen RSJHT/2025/TEST-0009",
        "Budi Santoso Wicaksono",
        "21000000009",
        "3171********0009",
        "Kantor Cabang Jakarta Salemba",
        "Saldo awal 1 Januari 2025: Rp42.345.678",
        "Januari 2025",
        "15 Januari 2025",  # posting dates with the month's name, like every date the portal shows
        "Upah dilaporkan",
        "Rp7.250.000",
        "JHT pemberi kerja 3,7%",
        "JP pemberi",
        "April 2025",
        "Tidak ada iuran untuk bulan ini",
        "Desember 2025",
        "Hasil pengembangan (5.630%, asumsi)",
        "Rp2.400.000",
        "Saldo akhir per Rabu, 31 Desember 2025",
        "menyebut nomor",
    ):
        assert expected in text, expected
    contributions = 3 * 2 * 145_000 + 8 * 2 * 138_000
    closing = f"Rp{42_345_678 + contributions + 2_400_000:,}".replace(",", ".")
    assert closing in text
    # A one-page statement still says so in its footer ("page n / N" is kept for longer ones).
    assert "1 / 1" in text
