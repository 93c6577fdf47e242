"""Check results: plain objects every output format reads."""
