"""The weighing panel: expected weight and tolerance, the live scale reading, and the verdict."""

from __future__ import annotations

from rich.text import Text

from packstation.devices.weighing import grams_said
from packstation.i18n import _
from packstation.widgets.pieces import Pieces


class WeightPanel(Pieces):
    DEFAULT_CSS = """
    WeightPanel { height: auto; border: round $accent; padding: 0 1; }
    WeightPanel.blocked { border: heavy $error; }
    WeightPanel.accepted { border: heavy $success; }
    """

    _shown: tuple[object, ...] = ()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(gap="   │   ", id=id, classes=classes)

    def draw(
        self,
        *,
        expected_g: int | None,
        tolerance_g: int,
        live: str,
        verdict: str,
        blocked: bool = False,
        accepted: bool = False,
        no_order: bool = False,
    ) -> None:
        shown = (expected_g, tolerance_g, live, verdict, blocked, accepted, no_order)
        if shown == self._shown:
            return  # each scan redraws the order; an unchanged panel costs nothing
        self._shown = shown
        self.set_class(blocked, "blocked")
        self.set_class(accepted, "accepted")
        if no_order:
            pieces = [Text(_("Weight: open an order, tick its items, then weigh."), style="dim")]
        elif expected_g is None:
            pieces = [Text(_("Weight: tick every item (or close the box) to weigh."), style="dim")]
        else:
            expected = _("Expected") + f" {grams_said(expected_g)} ± {grams_said(tolerance_g)}"
            # "Scale: …" with the colon the language writes (电子秤：…), as on the top line
            scale = _("{what}: ").format(what=_("Scale"))
            pieces = [Text(expected, style="bold"), Text.assemble(scale, (live or "—", "bold"))]
            if verdict:
                pieces.append(Text(verdict, style="bold red" if blocked else "bold green"))
        # a narrow screen puts a part on a row of its own, never a "│" at a row's end
        self.show(pieces)
