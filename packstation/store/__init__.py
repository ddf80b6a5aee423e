"""Store layer of packstation."""
