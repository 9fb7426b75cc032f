"""The branch self-audit (自查清单): the rules over plain data and their wording."""
