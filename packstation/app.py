"""The packing-bench application (Textual).  ``run_bench`` is what ``packstation bench`` and
``packstation demo`` call; the screens live in ``packstation.screens``."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from packstation.config import Settings
from packstation.i18n import _


class BenchApp(App[None]):
    TITLE = "packstation"
    BINDINGS = [("ctrl+q", "quit", _("Quit"))]

    def __init__(self, settings: Settings, *, notice: str = "") -> None:
        super().__init__()
        self.settings = settings
        self.notice = notice

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            self.notice or _("Bench {name}").format(name=self.settings.bench.name), id="notice"
        )
        yield Footer()


def run_bench(settings: Settings, *, notice: str = "") -> None:
    BenchApp(settings, notice=notice).run()
