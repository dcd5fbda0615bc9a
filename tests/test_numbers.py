"""Numbers for people in the interface language: Indonesian 54.000 and 3,5; English 54,000 and 3.5."""

from __future__ import annotations

import pytest

from sopcli import i18n
from sopcli.i18n import format_number


@pytest.fixture
def language():
    """Switch the interface language for one test; English again afterwards."""
    yield i18n.set_language
    i18n.set_language("en")


@pytest.mark.parametrize(
    ("value", "decimals", "indonesian", "english"),
    [
        (54000, None, "54.000", "54,000"),
        (1_234_567, None, "1.234.567", "1,234,567"),
        (999, None, "999", "999"),
        (0, None, "0", "0"),
        (-1500, None, "-1.500", "-1,500"),
        (3.5, None, "3,5", "3.5"),
        (3.25, None, "3,25", "3.25"),
        (12.0, None, "12", "12"),
        (1234.5, None, "1.234,5", "1,234.5"),
        (87.5, 1, "87,5", "87.5"),
        (100, 1, "100,0", "100.0"),
        (2.0 / 3, 1, "0,7", "0.7"),
    ],
)
def test_thousands_and_decimals_follow_the_language(language, value, decimals, indonesian, english):
    language("id")
    assert format_number(value, decimals) == indonesian
    language("en")
    assert format_number(value, decimals) == english


def test_tables_for_people_format_counts_but_csv_and_json_keep_the_number(language, capsys):
    from sopcli.present import render

    table = render.Table(columns=["Unit", "Received"], rows=[["BKD", 54000], ["Dinkes", 3.5]])
    language("id")
    render.print_table(table, "plain")
    plain = capsys.readouterr().out
    assert "54.000" in plain and "3,5" in plain
    render.print_table(table, "csv")
    assert capsys.readouterr().out.splitlines()[1:] == ["BKD,54000", "Dinkes,3.5"]
    render.print_table(table, "json")
    assert '"Received": 54000' in capsys.readouterr().out
    language("en")
    render.print_table(table, "plain")
    assert "54,000" in capsys.readouterr().out


def test_report_percentages_and_a_report_csv(language):
    import io

    from sopcli.present.documents import Document, Section, percent_text
    from sopcli.present.publish import write
    from sopcli.present.render import Table

    language("id")
    assert percent_text(87.5) == "87,5%"
    document = Document("Laporan", "November", "", [], [Section("Per unit", Table(["Unit", "Masuk"], [["BKD", 1200]]))])
    out = io.StringIO()
    write(document, "csv", out)
    assert "BKD,1200" in out.getvalue()
    out = io.StringIO()
    write(document, "plain", out)
    assert "1.200" in out.getvalue()
    language("en")
    assert percent_text(87.5) == "87.5%"
