"""Generation: templates -> rendering -> format-neutral document."""
