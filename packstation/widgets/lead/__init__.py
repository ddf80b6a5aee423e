"""Widgets of the shift lead's application."""
