"""Checking contracts: understanding (parties, statements, terms) → rules → the checker,
run per file, in a pool of workers, over a batch; and its measurement (evaluation).

Named ``checking`` rather than ``check``: ``contractkit.check`` is the public function.
"""
