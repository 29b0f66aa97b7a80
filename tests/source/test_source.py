"""The canonical source: the report's words, verbatim and in order, and honest metadata."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from conftest import DATA, ROOT, SOURCE, run_cli
from reportexport.model import Paragraph, Report

#: What the seed page says, kept in the repository (see its $comment).
FACTS = json.loads((DATA / "seed-facts.json").read_text(encoding="utf-8"))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_eight_summary_paragraphs_are_verbatim_and_in_order(report: Report) -> None:
    paragraphs = [
        block.text for _, section in report.walk() for block in section.blocks
        if isinstance(block, Paragraph)
    ]
    assert len(FACTS["summary_paragraph_sha256"]) == 8
    assert [_digest(p) for p in paragraphs] == FACTS["summary_paragraph_sha256"]


def test_lead_is_the_pages_opening_sentences(report: Report) -> None:
    assert [p.text for p in report.lead] == FACTS["lead"]


def test_page_furniture_is_not_report_content() -> None:
    text = SOURCE.read_text(encoding="utf-8")
    for furniture in ("Get Updates", "Read the executive summary", "Read the full report"):
        assert furniture not in text


def test_every_fact_and_the_description_are_stated_on_the_page(report: Report) -> None:
    meta = report.metadata
    # Every figure and date the cover, colophon or description states is on the page.
    stated = " ".join([meta.description or "", *(f.value for f in meta.facts)])
    figures = re.findall(r"\d+(?: to \d+)? (?:January|February|March|April|May|June|July|"
                         r"August|September|October|November|December) \d{4}|\d+", stated)
    assert figures
    for figure in figures:
        assert figure in FACTS["figures_and_dates_on_the_page"], f"{figure!r} is not on the page"
    assert all(phrase in stated.lower() for phrase in FACTS["phrases_on_the_page"])
    assert meta.title == FACTS["title"]
    assert str(meta.date) == FACTS["publication_date"]
    assert meta.language == "en"
    assert meta.publisher == "Asian Network for Free Elections (ANFREL)"


def test_section_headings_name_the_themes(report: Report) -> None:
    assert [title for _, title in report.outline()] == [
        "Method of the assessment", "Legal framework", "Election administration",
        "Political landscape", "Civic space", "Media freedom and access to information",
        "Inclusion of marginalised sectors", "Conclusion",
    ]


def test_validate_passes_on_the_source() -> None:
    result = run_cli("validate")
    assert result.code == 0, result.stderr
    assert "ok (8 sections)" in result.stderr


def test_schema_command_prints_a_schema_the_source_satisfies(tmp_path: Path) -> None:
    import json

    import jsonschema

    from reportexport.source.yamlload import load_yaml

    result = run_cli("schema")
    assert result.code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(load_yaml(SOURCE).data, schema)
    theme_schema = json.loads(run_cli("schema", "--theme").stdout)
    jsonschema.validate(load_yaml(ROOT / "styles" / "default.yaml").data, theme_schema)
