"""Domain layer of packstation."""
