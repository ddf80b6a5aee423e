"""The screens of the packing bench (``packstation bench``)."""
