"""Labels layer of packstation."""
