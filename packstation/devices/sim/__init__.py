"""Simulated scale, printer and scanner: in-process for the demo, on a pty or a TCP port for
``packstation sim`` and the tests."""
