"""The shipped JSON Schemas compiled to Python by fastjsonschema (tools/compile_schemas.py).

One module per schema, each with ``validate(data)`` (raises fastjsonschema's
JsonSchemaValueException at the first problem) and ``SCHEMA_SHA256``, the digest
of the schema text it was compiled from.
"""
