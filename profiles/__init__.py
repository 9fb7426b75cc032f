"""Members, branches and their records, and the read-only pages that show them."""
