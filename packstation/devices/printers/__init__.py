"""Printer connections: bytes out, status in where the printer language allows."""
