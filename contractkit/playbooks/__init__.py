"""Playbooks: the firm's own positions on top of the standard, checked with numbers and proposed as redlines.

    from contractkit.playbooks import load_playbook
    playbook = load_playbook("samples/playbooks/strict-provider.yaml")   # PlaybookError names file, entry, field
    run = contractkit.check("contract.docx", playbook=playbook)           # documents[i].positions

``model`` (the file's layout), ``loader`` (reading and validating it), ``quantities`` (Chinese and Arabic
numbers, units and ranges), ``evaluate`` (judging positions), ``clauses`` (the clauses proposed),
``describe`` (a playbook in words). The redline is ``contractkit.annotate.redline_docx``.
"""

from contractkit.playbooks.loader import PlaybookError, load_playbook, load_playbook_bytes, read_playbook, validate
from contractkit.playbooks.model import Extra, Measure, Playbook, Position, Wording

__all__ = ["Extra", "Measure", "Playbook", "PlaybookError", "Position", "Wording", "load_playbook",
           "load_playbook_bytes", "read_playbook", "validate"]
