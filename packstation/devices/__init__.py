"""Devices layer of packstation."""
