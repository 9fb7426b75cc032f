"""A deterministic, realistic demo organisation for trying partycard and for benchmarks."""
