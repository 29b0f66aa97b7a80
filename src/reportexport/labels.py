"""The words the editions add to a report's own: "Contents", "Table 2", "Annex A",
"section 2.1", the cover's and imprint's labels. One table, in English; built-in
translations for the languages given here with certainty (French, Spanish); a
source overrides any word with `metadata.labels` (keys as in ENGLISH). A language
without a table here gets the English words unless its source gives its own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from reportexport.support.languagetags import primary_subtag

#: Every word an edition adds, by key: the keys `metadata.labels` may give.
ENGLISH: Mapping[str, str] = {
    "contents": "Contents",
    "notes": "Notes",
    "table": "Table",
    "figure": "Figure",
    "annex": "Annex",
    "section": "section",  # in a running sentence: "see section 2.1"
    "author": "Author",
    "authors": "Authors",
    "published": "Published",
    "publisher": "Publisher",
    "isbn": "ISBN",
    "rights": "Rights",
    "disclaimer": "Disclaimer",
    "list_of_tables": "List of tables",
    "list_of_figures": "List of figures",
    "page_of": "Page {page} of {pages}",  # the footer's page number
    # Heard, not seen, in the e-book and the web page: names of their parts and links.
    "note": "Note",  # a note's name: "Note 3"
    "back_to_note": "Back to the mark of note",  # a note's link back: "... note 3"
    "skip_to_text": "Skip to the text",  # the web page's first link
    "cover": "Cover",
    "title_page": "Title page",
    "landmarks": "Landmarks",  # the e-book's guide to its parts
}

#: What the Word edition names the custom document property recording each word the
#: source gives itself ("reportexport.label.table": "Cuadro"): a printed page does not
#: tell a source's word from a built-in one, so the Word import reads them back there.
PROPERTY_PREFIX = "reportexport.label."


#: The built-in translations, by a language tag's primary subtag.
BUILT_IN: Mapping[str, Mapping[str, str]] = {
    "en": ENGLISH,
    "fr": {
        "contents": "Table des matières", "notes": "Notes", "table": "Tableau",
        "figure": "Figure", "annex": "Annexe", "section": "section", "author": "Auteur",
        "authors": "Auteurs", "published": "Date de publication", "publisher": "Éditeur",
        "isbn": "ISBN", "rights": "Droits", "disclaimer": "Avertissement",
        "list_of_tables": "Liste des tableaux", "list_of_figures": "Liste des figures",
        "page_of": "Page {page} sur {pages}",
        "note": "Note", "back_to_note": "Retour à l'appel de la note",
        "skip_to_text": "Aller au texte", "cover": "Couverture", "title_page": "Page de titre",
        "landmarks": "Repères",
    },
    "es": {
        "contents": "Índice", "notes": "Notas", "table": "Tabla", "figure": "Figura",
        "annex": "Anexo", "section": "sección", "author": "Autor", "authors": "Autores",
        "published": "Fecha de publicación", "publisher": "Editorial", "isbn": "ISBN",
        "rights": "Derechos", "disclaimer": "Aviso legal",
        "list_of_tables": "Índice de tablas", "list_of_figures": "Índice de figuras",
        "page_of": "Página {page} de {pages}",
        "note": "Nota", "back_to_note": "Volver a la llamada de la nota",
        "skip_to_text": "Saltar al texto", "cover": "Cubierta", "title_page": "Portada",
        "landmarks": "Puntos de referencia",
    },
}


#: The languages (by a tag's primary subtag) whose typography sets a no-break space before
#: a colon: French ("Auteur : Ana Sousa"). The space is U+00A0, the word space that does
#: not break, which French gives a colon (the narrow U+202F is for ; ! ?, which no label
#: is joined with; the bundled body face, Caladea, has U+00A0 and lacks U+202F).
SPACE_BEFORE_COLON: frozenset[str] = frozenset({"fr"})


def colon(language: str) -> str:
    """What joins a label to its text in a report in `language`: ": ", or "\u00a0: "
    where the language sets a no-break space before a colon."""
    spaced = primary_subtag(language) in SPACE_BEFORE_COLON
    return "\u00a0: " if spaced else ": "


def labelled(language: str, label: str, text: str) -> str:
    """`label` and `text` joined by `language`'s colon: "Cover: The title"."""
    return f"{label}{colon(language)}{text}"


def labels_for(language: str, overrides: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """Every word, for a report in `language` (a BCP 47 tag) whose source gives
    `overrides` ((key, word) pairs, `metadata.labels`)."""
    primary = primary_subtag(language)
    return {**ENGLISH, **BUILT_IN.get(primary, {}), **dict(overrides)}


def page_of(template: str) -> tuple[str, str, str]:
    """The words around a page's number and the number of pages in a `page_of` template
    ("Page {page} of {pages}": "Page ", " of ", ""), which the schema makes hold each
    once, in that order."""
    before, _, rest = template.partition("{page}")
    between, _, after = rest.partition("{pages}")
    return before, between, after


def added_words(language: str, overrides: Iterable[tuple[str, str]] = ()) -> list[str]:
    """The words an edition of such a report adds that are not the English ones: text
    whose characters the fonts must have, as they must the source's."""
    return [word.replace("{pages}", "").replace("{page}", "")
            for key, word in labels_for(language, overrides).items() if word != ENGLISH[key]]


def acceptable(key: str, word: str) -> bool:
    """Whether `metadata.labels` may give `word` for `key` (as the schema says): a key of
    ENGLISH, some words, a footer's template with {page} then {pages}."""
    return key in ENGLISH and bool(word.strip()) and (key != "page_of"
                                                      or bool(_page_of_pattern().match(word)))


@functools.cache
def _page_of_pattern() -> re.Pattern[str]:
    """A footer's template as the schema accepts it ({page}, then {pages}, once each):
    the schema's own pattern."""
    import json

    from reportexport.source.schema import schema_text

    metadata = json.loads(schema_text("report"))["$defs"]["metadata"]
    return re.compile(metadata["properties"]["labels"]["properties"]["page_of"]["pattern"])
