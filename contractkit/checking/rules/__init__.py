"""Rules: judge each requirement of the catalogue against an analysed contract.

- ``registry.py``: the named checks a requirement's ``detect.checks`` can list (``@register``);
- ``checks/``: the checks themselves (contrary, listed_breach, over_limit, partial_element,
  deferral, attribution, declaration, names_party, weaker_fallback), and any requirement's own hook;
- ``evaluate.py``: runs a requirement's checks over the sentences and weighs their verdicts;
- ``examples.py``: each requirement's example clauses (the tests and the docs);
- ``documentation.py``: ``contractkit rules``.
"""
