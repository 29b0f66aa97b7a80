"""reportexport: one structured YAML report, published as PDF, DOCX and EPUB editions."""

__version__ = "0.1.0"
