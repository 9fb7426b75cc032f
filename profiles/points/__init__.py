"""Points (党员积分): the rule table and the append-only ledger, rules and operations."""
