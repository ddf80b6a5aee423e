"""The weighing panel: expected weight and tolerance, the live scale reading, and the verdict."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from packstation.devices.weighing import grams_said
from packstation.i18n import _


class WeightPanel(Static):
    DEFAULT_CSS = """
    WeightPanel { height: auto; border: round $accent; padding: 0 1; }
    WeightPanel.blocked { border: heavy $error; }
    WeightPanel.accepted { border: heavy $success; }
    """

    _shown: tuple[object, ...] = ()

    def show(
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
        text = Text()
        if no_order:
            text.append(_("Weight: open an order, tick its items, then weigh."), style="dim")
        elif expected_g is None:
            text.append(_("Weight: tick every item (or close the box) to weigh."), style="dim")
        else:
            text.append(
                _("Expected") + f" {grams_said(expected_g)} ± {grams_said(tolerance_g)}",
                style="bold",
            )
            text.append("   │   " + _("Scale") + ": ")
            text.append(live or "—", style="bold")
            if verdict:
                text.append("   │   ")
                text.append(verdict, style="bold red" if blocked else "bold green")
        self.update(text)  # a narrow screen wraps a verdict onto a second row
