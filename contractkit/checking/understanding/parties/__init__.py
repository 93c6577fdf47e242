"""Who the parties are and which roles of the standard they hold.

declarations.py finds the parties (labels, names, short names, merged);
sides.py tells who entrusts and who performs; subject.py reads what the work
is; cloud_terms.py reads click-through terms; analysis.py decides the roles,
with their reasons, honouring roles the user gave and our organisation.
The words behind all of it are data: corpora/lexicons/roles.yaml.
"""

from contractkit.checking.understanding.parties.analysis import (
    ROLES_UNKNOWN_NOTE,
    PartyAnalysis,
    UnknownPartyLabel,
    analyse_parties,
)

__all__ = ["ROLES_UNKNOWN_NOTE", "PartyAnalysis", "UnknownPartyLabel", "analyse_parties"]
