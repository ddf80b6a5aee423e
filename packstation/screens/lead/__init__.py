"""The screens of the shift lead's application (``packstation lead``)."""
