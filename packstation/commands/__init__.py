"""Command-line commands, one module per group.

Each module exposes ``COMMANDS``: the click commands or groups it adds to ``packstation``.  The
root in ``packstation.cli`` finds the modules by themselves, so adding a command is adding a file.
"""
