"""The shipped JSON Schemas compiled to Python by fastjsonschema (tools/compile_schemas.py).

One module per schema, each with ``validate(data)`` (raises JsonSchemaValueException
at the first problem) and ``SCHEMA_SHA256``, the digest of the schema text it was
compiled from. The compiled code needs nothing of fastjsonschema but these
exception names, so they are defined here and fastjsonschema is needed only to
compile again (importing it cost a build 3 ms).
"""


class JsonSchemaValueException(ValueError):
    """Data that the schema refuses (the compiled code stops at the first problem)."""


class JsonSchemaValuesException(JsonSchemaValueException):
    """fastjsonschema's name for several problems at once; not raised by this code."""
