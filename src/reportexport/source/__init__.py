"""Reading and checking a report source.

Strict YAML, the schema, inline markup, input files within bounds, figure images
and the located problems they raise.
"""
