"""Services layer of packstation."""
