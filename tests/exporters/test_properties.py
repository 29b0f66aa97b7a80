"""Property-based tests (Hypothesis): random valid reports through every exporter, and
random mutations of the real source that must be refused with a location.

The default profile keeps the suite fast; HYPOTHESIS_PROFILE=deep runs many more examples.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import string
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reportexport
from conftest import DATA, SOURCE
from readers import TEXT_READERS
from reportexport import exporters
from reportexport.cli import main
from reportexport.frontend import Document
from reportexport.model import Block, Figure, block_texts, plain

settings.register_profile(
    "default", max_examples=10, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "deep", max_examples=300, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Characters the bundled fonts cover, markup characters included on purpose.
ALPHABET = (string.ascii_letters + string.digits + " .,;:!?()[]{}<>&\"'/-_@#%*+=$"
            + "àáâäçèéêëíïñóôöúüÅØßÆæœ€£§©°" + "“”‘’–—…")
TEXT = st.text(alphabet=ALPHABET, min_size=1, max_size=60).filter(lambda s: s.strip())


def _list_items(level: int) -> st.SearchStrategy[list[Any]]:
    """A list's items, some with a list of their own, three levels deep at most."""
    item = TEXT if level == 3 else st.one_of(TEXT, st.builds(
        lambda text, kind, items: {"text": text, kind: items},
        TEXT, st.sampled_from(["bullets", "numbered"]), st.deferred(
            lambda: _list_items(level + 1))))
    return st.lists(item, min_size=1, max_size=3)


INNER_BLOCK = st.one_of(
    TEXT.map(lambda t: {"paragraph": t}),
    _list_items(1).map(lambda items: {"bullets": items}),
    _list_items(1).map(lambda items: {"numbered": items}),
    # One column, so that every edition's text holds each cell whole; an empty cell.
    st.builds(lambda head, cells, note: {"table": {
        "columns": [head], "rows": [[cell] for cell in cells],
        **({"note": note} if note else {})}},
        TEXT, st.lists(TEXT | st.just(""), min_size=1, max_size=3), st.none() | TEXT),
    st.lists(st.builds(lambda term, definition: {"term": term, "definition": definition},
                       TEXT, TEXT), min_size=1, max_size=3).map(
        lambda items: {"definitions": items}),
    st.builds(lambda t, a: {"quote": {"text": t, **({"attribution": a} if a else {})}},
              TEXT, st.none() | TEXT),
)
# A callout holds any blocks but callouts.
BLOCK = st.one_of(INNER_BLOCK, st.builds(
    lambda title, blocks: {"callout": {**({"title": title} if title else {}), "blocks": blocks}},
    st.none() | TEXT, st.lists(INNER_BLOCK, min_size=1, max_size=3)))


CELL = st.text(alphabet=ALPHABET, min_size=1, max_size=20).filter(lambda s: s.strip())
#: The images a random figure shows (copied beside the random source).
IMAGES = DATA / "valid" / "images"


@st.composite
def table_blocks(draw: st.DrawFn, ident: str) -> dict[str, Any]:
    columns = draw(st.integers(1, 4))
    rows = draw(st.lists(st.lists(CELL, min_size=columns, max_size=columns),
                         min_size=1, max_size=4))
    table: dict[str, Any] = {"columns": draw(st.lists(CELL, min_size=columns,
                                                      max_size=columns)), "rows": rows}
    if draw(st.booleans()):
        table["id"] = ident
    if draw(st.booleans()):
        table["caption"] = draw(TEXT)
    return {"table": table}


@st.composite
def figure_blocks(draw: st.DrawFn, ident: str) -> dict[str, Any]:
    image = draw(st.sampled_from(["bars.png", "gradient.jpg"]))
    figure: dict[str, Any] = {"image": f"images/{image}", "alt": draw(TEXT)}
    if draw(st.booleans()):
        figure["id"] = ident
    if draw(st.booleans()):
        figure["caption"] = draw(TEXT)
    return {"figure": figure}


class _NoAliasDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


@st.composite
def report_sources(draw: st.DrawFn) -> dict[str, Any]:
    ids = itertools.count(1)

    def block() -> dict[str, Any]:
        kind = draw(st.sampled_from(["text", "text", "table", "figure"]))
        if kind == "table":
            return draw(table_blocks(f"tbl-{next(ids)}"))
        return draw(figure_blocks(f"fig-{next(ids)}")) if kind == "figure" else draw(BLOCK)

    def section(depth: int) -> dict[str, Any]:
        blocks = [block() for _ in range(draw(st.integers(0, 3)))]
        children = (
            [section(depth + 1) for _ in range(draw(st.integers(0, 2)))] if depth < 6 else []
        )
        if not blocks and not children:
            blocks = [{"paragraph": draw(TEXT)}]
        out: dict[str, Any] = {"id": f"s{next(ids)}", "title": draw(TEXT), "blocks": blocks}
        if children:
            out["sections"] = children
        # Pages asked for (#26): a new page anywhere, landscape on a top-level section.
        if draw(st.booleans()):
            out["new_page"] = True
        if depth == 1 and draw(st.booleans()):
            out["landscape"] = True
        return out

    source: dict[str, Any] = {
        "metadata": {
            "title": draw(TEXT), "publisher": draw(TEXT), "authors": [draw(TEXT)],
            "date": "2024-05-17", "language": "en",
            "numbered_sections": draw(st.booleans()),
            "lists": draw(st.lists(st.sampled_from(["tables", "figures"]), unique=True)),
        },
        "lead": draw(st.lists(TEXT, max_size=2)),
    }
    # The publisher's apparatus: front matter and annexes, sometimes.
    for part, most in (("front", 2), ("sections", 3), ("appendices", 2)):
        count = draw(st.integers(1 if part == "sections" else 0, most))
        if count:
            source[part] = [section(1) for _ in range(count)]
    # Cross-references, automatic ([](#id): the target's label) and with words, to
    # sections, tables and figures anywhere, from the body's first section.
    targets = sorted(_ids(source))
    references = draw(st.lists(st.tuples(st.sampled_from(targets), st.none() | CELL),
                               max_size=4))
    if references:
        links = " and ".join(f"[{_escape(words) if words else ''}](#{target})"
                             for target, words in references)
        source["sections"][0]["blocks"].insert(0, {"paragraph": f"See {links}."})
    return source


def _ids(data: Any) -> set[str]:
    """Every id the random source gives (sections', tables' and figures')."""
    if isinstance(data, list):
        return set().union(*(_ids(item) for item in data)) if data else set()
    if not isinstance(data, dict):
        return set()
    found = {data["id"]} if isinstance(data.get("id"), str) else set()
    return found.union(*(_ids(value) for value in data.values()))


def _escape(words: str) -> str:
    """`words` as literal text inside a link's brackets (markup characters escaped)."""
    return re.sub(r"([\\`*_\[\]()<>#!&^])", r"\\\1", words)


def _printed(block: Block) -> tuple[str, ...]:
    """The texts a block prints: a figure's alt text is no printed text."""
    if isinstance(block, Figure):
        return (plain(block.caption),) if block.caption else ()
    return block_texts(block)


def _squash(text: str) -> str:
    # Line breaks may fall anywhere in a rendered edition: compare without white space.
    return re.sub(r"\s+", "", text)


@given(data=report_sources())
def test_random_valid_reports_survive_every_exporter(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "random.yaml"
        source.write_text(yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True,
                                    sort_keys=False), encoding="utf-8")
        shutil.copytree(IMAGES, Path(tmp) / "images")
        # The one loading pipeline (schema, references, tables' fit, the theme's fonts).
        report, theme = reportexport.load(source)
        # The texts as every edition prints them: automatic references given their labels.
        resolved = Document.of(report).report
        texts = [t for _, s in resolved.walk() for b in s.blocks for t in _printed(b)]
        for name in exporters.registered():
            exporter = exporters.load(name)
            path = Path(tmp) / f"edition{exporter.suffix}"
            exporter.export(report, theme, path)
            # As the front end words the headings: "2.1 …", "Annex A …".
            assert exporter.outline(path) == Document.of(report).headings(), name
            if name in TEXT_READERS:
                edition = _squash(TEXT_READERS[name](path))
                for text in texts:
                    assert _squash(text) in edition, (name, text)


KEY_LINE = re.compile(r"^(?P<indent>\s*(?:- )?)(?P<key>[a-z_]+): (?P<value>[^>|\s].*)$")
STRING_KEYS = {"title", "id", "publisher", "date", "language", "label", "value", "subtitle",
               "slug", "short_title", "subject", "identifier"}
LINES = SOURCE.read_text(encoding="utf-8").splitlines()
KEYED = [i for i, line in enumerate(LINES) if KEY_LINE.match(line)]
STRING_VALUED = [i for i in KEYED if KEY_LINE.match(LINES[i])["key"] in STRING_KEYS]
CONTENT = [i for i, line in enumerate(LINES) if line.strip() and not line.startswith("#")]


def _misspell(lines: list[str], i: int, letter: str) -> None:
    match = KEY_LINE.match(lines[i])
    lines[i] = f"{match['indent']}{match['key']}{letter}: {match['value']}"


def _wrong_type(lines: list[str], i: int, _: str) -> None:
    match = KEY_LINE.match(lines[i])
    lines[i] = f"{match['indent']}{match['key']}: [1, 2]"


def _duplicate(lines: list[str], i: int, _: str) -> None:
    match = KEY_LINE.match(lines[i])
    indent = " " * len(match["indent"])
    lines.insert(i + 1, f"{indent}{match['key']}: {match['value']}")


def _anchor(lines: list[str], i: int, letter: str) -> None:
    match = KEY_LINE.match(lines[i])
    lines[i] = f"{match['indent']}{match['key']}: &{letter} {match['value']}"


def _tab(lines: list[str], i: int, _: str) -> None:
    lines[i] = "\t" + lines[i]


def _control(lines: list[str], i: int, _: str) -> None:
    match = KEY_LINE.match(lines[i])
    lines[i] = f'{match["indent"]}{match["key"]}: "bad \\x0b character"'


MUTATIONS = st.one_of(
    st.tuples(st.just(_misspell), st.sampled_from(KEYED)),
    st.tuples(st.just(_wrong_type), st.sampled_from(STRING_VALUED)),
    st.tuples(st.just(_duplicate), st.sampled_from(KEYED)),
    st.tuples(st.just(_anchor), st.sampled_from(KEYED)),
    st.tuples(st.just(_tab), st.sampled_from(CONTENT)),
    st.tuples(st.just(_control), st.sampled_from(STRING_VALUED)),
)


@settings(max_examples=int(os.environ.get("MUTATION_EXAMPLES", "60")))
@given(mutation=MUTATIONS, letter=st.sampled_from("qxz"))
def test_mutated_sources_are_refused_with_a_location(
    mutation: tuple[Any, int], letter: str, capsys: pytest.CaptureFixture[str]
) -> None:
    mutate, index = mutation
    lines = list(LINES)
    mutate(lines, index, letter)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "mutated.yaml"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        capsys.readouterr()
        code = main(["validate", str(source)])
        err = capsys.readouterr().err
    assert code == 2, (mutate.__name__, index, err)
    assert "Traceback" not in err
    first = err.splitlines()[0]
    assert re.match(rf"^{re.escape(str(source))}:\d+:\d+: ", first), first
