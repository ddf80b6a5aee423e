"""Widgets layer of packstation."""
