"""Clean text to a `Plan`: headings, tasks, responsibility clauses, targets; the plan.json model."""
