"""Rules: judge each requirement of the catalogue against an analysed contract."""
