"""三级考核: monthly scores of branches, party groups and members (issue 22)."""
