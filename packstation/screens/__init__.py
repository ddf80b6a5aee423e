"""Screens layer of packstation."""
