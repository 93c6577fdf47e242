"""Check results: typed, frozen objects every output format reads (schema in ``results.schema``)."""
