"""Democratic evaluation of members (民主评议党员): model, rules and operations."""
