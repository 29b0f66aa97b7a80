"""Fonts and the measure of text.

Which font sets each character, glyph coverage, font subsets, and how tables
and figures fit the page.
"""
