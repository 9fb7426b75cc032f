"""Dues (党费): models, rates, rules, the one arrears computation, operations and reads."""
