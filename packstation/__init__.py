"""packstation: the software on an e-commerce packing bench."""

__version__ = "0.1.0"
