"""The organisation tree (党委 → 党总支 → 党支部 → 党小组): models, rules, operations."""
