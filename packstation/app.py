"""The packing-bench application (Textual).  ``run_bench`` is what ``packstation bench`` and
``packstation demo`` call; the screens live in ``packstation.screens.bench``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from textual import work
from textual.app import App

from packstation.config import Settings
from packstation.devices.base import ScaleReading
from packstation.devices.weighing import EMPTY_G
from packstation.errors import StoreError
from packstation.log_file import log_to_file
from packstation.store.bench_name import BenchName
from packstation.store.engine import make_engine
from packstation.store.migrate import unreachable
from packstation.store.types import utcnow

# How often a running bench makes sure it still holds its name (``BenchName.keep``).
NAME_CHECK_S = 5.0


class BenchApp(App[None]):
    TITLE = "packstation"
    ENABLE_COMMAND_PALETTE = False  # ctrl+p would steal a key; everything is on the footer

    def __init__(
        self,
        settings: Settings,
        *,
        notice: str = "",
        engine: Engine | None = None,
        devices: bool = True,
        clock: Callable[[], dt.datetime] = utcnow,
        name: BenchName | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.bench_name = name
        # set when another bench took this bench's name while it ran: the bench stopped
        self.name_lost: StoreError | None = None
        self.notice = notice
        self.engine = engine or make_engine(settings.store.url, screen=True)
        self.now = clock
        self.use_devices = devices
        self.bench_screen: object | None = None
        self.devices: object | None = None
        # Has the scale been empty (under 5 g) since the bench started?  Until it has, what is on
        # it may be a box weighed before a restart (its order packed, or the box before this
        # one): it is not weighed for the box at hand.
        self.scale_emptied = False
        # the stable reading last sent for weighing; kept until the scale is emptied (under
        # 5 g), so a box left on it is not weighed again for the next box or order, whoever
        # signs in meanwhile (kept by the packing screen, it went with its packer)
        self.weighed_grams: int | None = None

    def on_mount(self) -> None:
        from packstation.screens.bench.signin import SignInScreen
        from packstation.services.warm_up import warm_up

        # before anyone signs in: the first label would otherwise load the font
        warm_up(self.settings)
        self.push_screen(SignInScreen(self.engine, self.settings.bench.name, self.notice))
        if self.bench_name is not None:
            self.set_interval(NAME_CHECK_S, self.keep_name, name="bench-name")
        if self.use_devices:
            from packstation.screens.bench.devices import DeviceLink

            link = DeviceLink(
                self,
                self.settings,
                self.engine,
                on_reading=self.scale_reading,
                on_scale_state=self.scale_state,
                on_printer=self.printer_state,
                on_scan=self.scanned,
            )
            self.devices = link
            link.start()

    @work(thread=True, exclusive=True, group="bench-name", exit_on_error=False)
    def keep_name(self) -> None:
        """Still hold the bench's name (taken again after the store lost its session); when
        another bench took it meanwhile, this bench stops, saying so."""
        assert self.bench_name is not None
        try:
            self.bench_name.keep()
        except DBAPIError:
            return  # the store is away, and the screen says so: the next check takes it again
        except StoreError as exc:
            self.name_lost = exc
            self.call_from_thread(self.exit, return_code=3)

    def on_unmount(self) -> None:
        from packstation.screens.bench.devices import DeviceLink

        if isinstance(self.devices, DeviceLink):
            self.devices.stop()

    # The device link reports here; the packing screen (when one is open) shows it.
    def screen_ready(self, screen: object) -> None:
        self.bench_screen = screen
        if self._scale_state_text:
            self.scale_state(self._scale_state_text)
        if self._printer is not None:
            self.printer_state(*self._printer)

    _scale_state_text = ""
    _printer: tuple[str, bool] | None = None

    def _bench(self) -> object | None:
        from packstation.screens.bench.packing import BenchScreen

        screen = self.bench_screen
        return screen if isinstance(screen, BenchScreen) and screen.is_attached else None

    async def action_quit(self) -> None:
        """Ctrl+Q.  The packing screen asks first while an order is open there, and puts it
        back before the bench quits; pressed again while it asks, the bench quits at once and
        the order stays with it (opening the bench again resumes it)."""
        from packstation.screens.bench.dialogs import ConfirmForm
        from packstation.screens.bench.packing import BenchScreen

        screen = self._bench()
        if isinstance(screen, BenchScreen) and not isinstance(self.screen, ConfirmForm):
            screen.action_quit_bench()
        else:
            self.exit()

    def scale_reading(self, reading: ScaleReading) -> None:
        from packstation.screens.bench.packing import BenchScreen

        if reading.grams is not None and reading.grams < EMPTY_G:
            self.scale_emptied = True
            self.weighed_grams = None
        screen = self._bench()
        if isinstance(screen, BenchScreen):
            screen.scale_reading(reading)

    def scale_state(self, message: str) -> None:
        from packstation.screens.bench.packing import BenchScreen

        self._scale_state_text = message
        screen = self._bench()
        if isinstance(screen, BenchScreen):
            screen.scale_state(message)
        self._status_bars("scale", message)

    def printer_state(self, message: str, ready: bool) -> None:
        from packstation.screens.bench.packing import BenchScreen

        self._printer = (message, ready)
        screen = self._bench()
        if isinstance(screen, BenchScreen):
            screen.printer_state(message, ready)
        self._status_bars("printer", message, ready)

    def _status_bars(self, what: str, message: str, ready: bool = True) -> None:
        """The sign-in screen shows the devices too: a packer sees a dead printer at once.  So
        does one under the packing screen, back after a sign-out (it still said what the
        devices said before the sign-in)."""
        from packstation.screens.bench.packing import BenchScreen
        from packstation.widgets.status_bar import StatusBar

        screens = [s for s in self.screen_stack if not isinstance(s, BenchScreen)]
        for bar in (bar for screen in screens for bar in screen.query(StatusBar)):
            if what == "scale":
                bar.scale = message
            else:
                bar.printer, bar.printer_ok = message, ready

    def scanned(self, code: str) -> None:
        """A scan from a serial or evdev scanner (keyboard scans arrive as keys): to the packing
        screen, or a badge to the sign-in (a scan on a dialog is not an answer to it)."""
        from packstation.screens.bench.packing import BenchScreen
        from packstation.screens.bench.signin import SignInScreen

        screen = self._bench()
        if self.screen is screen and isinstance(screen, BenchScreen):
            screen.handle_code(code)
        elif isinstance(self.screen, SignInScreen):
            self.screen.sign_in(code)

    def box_on_scale(self, grams: int) -> None:
        from packstation.screens.bench.devices import DeviceLink

        if isinstance(self.devices, DeviceLink):
            self.devices.box_on_scale(grams)

    def weighed(self) -> None:
        """A weight was accepted and its label queued: send it now; the box leaves the scale."""
        from packstation.screens.bench.devices import DeviceLink

        if isinstance(self.devices, DeviceLink):
            self.devices.wake_printer()
            self.devices.box_off_scale()


def run_bench(settings: Settings, *, notice: str = "") -> None:
    """The bench, under its name: another bench running under the same name is refused."""
    # the language was chosen by the command line: --lang, PACKSTATION_LANG, ui.language, locale
    log_to_file(f"bench-{settings.bench.name}")
    engine = make_engine(settings.store.url, screen=True)
    name = BenchName(engine, settings.bench.name)
    try:
        try:
            name.hold()
        except DBAPIError as exc:
            raise unreachable(engine, exc) from None  # no screen yet: the command's sentence
        app = BenchApp(settings, notice=notice, engine=engine, name=name)
        app.run()
        if app.name_lost is not None:
            raise app.name_lost
    finally:
        name.release()
        engine.dispose()
