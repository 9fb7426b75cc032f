"""Members (党员) and their membership over time: models, rules, operations, history."""
