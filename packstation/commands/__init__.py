"""Command-line commands, one module per group.

Each module exposes ``COMMANDS``: the click commands or groups it adds to ``packstation``.
``INDEX`` names each command's module and its help, so that ``packstation`` loads only the
module of the command it runs, and ``packstation --help`` none (all of them, each with the
store and the services it uses, took over a second before anything was done).  A new command
is a new module and a line in ``INDEX``; a test compares the two.
"""

from __future__ import annotations

from packstation.i18n import N_

# command → (its module, its help as the command has it: the root's --help lists it from here)
INDEX: dict[str, tuple[str, str]] = {
    "audit": ("audit", N_("Replay the event log and compare it with the stored state.")),
    "bench": ("bench", N_("Open the packing-bench application.")),
    "db": ("db", N_("The store's schema.")),
    "demo": (
        "demo",
        N_("Create (or reuse) a demo shop with simulated devices and open the bench."),
    ),
    "doctor": ("doctor", N_("Check the configuration, the store, the CJK font and the devices.")),
    "export": ("export", N_("Export files for the marketplace.")),
    "import": ("import_", N_("Import the catalogue or the marketplace's orders.")),
    "label": ("label", N_("Print, reprint, void or preview an order's courier label.")),
    "lead": (
        "lead",
        N_("Open the shift lead's application: queue, exceptions, reprints, handover, end of day."),
    ),
    "manifest": (
        "manifest",
        N_(
            "Hand the carrier's packed parcels over: seal them into a pickup handover, then "
            "write the day's list (CSV) and print it."
        ),
    ),
    "order": ("order", N_("Look up orders.")),
    "ports": ("ports", N_("List serial ports and USB HID scales, with the URI to configure.")),
    "print": ("print_", N_("Print documents for many orders at once.")),
    "printer": ("printer", N_("The label printer: test label, status.")),
    "report": ("report", N_("Reports for the shift lead and purchasing.")),
    "scale": ("scale", N_("The scale: read a weight, zero, tare.")),
    "sheet": ("sheet", N_("Print or save the sheet of command barcodes for the bench.")),
    "sim": ("sim", N_("Simulated devices on a pty or a TCP port, for work without hardware.")),
    "stock": ("stock", N_("Stock figures: list them, add or remove units, count a shelf.")),
    "user": ("user", N_("Packers and leads.")),
}
