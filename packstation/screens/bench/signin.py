"""Sign-in: scan a badge, or type a name, or choose it from the list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from packstation.errors import UserError
from packstation.i18n import N_, _
from packstation.screens.bench.store_link import StoreLink
from packstation.services.retry import AlreadyApplied
from packstation.services.status_names import role_label
from packstation.services.users import find_user, list_users, sign_in
from packstation.widgets.key_bar import KeyBar
from packstation.widgets.status_bar import StatusBar
from packstation.widgets.wedge_input import WedgeInput


@dataclass(frozen=True)
class Packer:
    name: str
    role: str  # packer | lead


# a store with no user yet (a new warehouse, or a shared one just set up)
NOBODY_YET = N_(
    "No one can sign in yet: add the packers and leads with packstation user add NAME --role "
    "packer|lead (see the README)."
)


class SignInScreen(Screen[None]):
    CSS_PATH = "signin.tcss"
    BINDINGS = [
        Binding("down", "to_list", N_("Choose a name"), key_display="↓"),
        Binding("ctrl+q", "app.quit", N_("Quit")),
    ]

    def __init__(self, engine: Engine, bench: str, notice: str = "") -> None:
        super().__init__()
        self.engine = engine
        self.bench = bench
        self.notice = notice
        self.parting = ""  # why the last packer was signed out, said when this screen is back
        self.store = StoreLink(
            engine, bench=bench, user="", on_lost=self.store_lost, on_back=self.store_back
        )

    def compose(self) -> ComposeResult:
        bar = StatusBar(id="status")
        bar.bench = self.bench
        yield bar
        if self.notice:
            yield Static(self.notice, id="notice", markup=False)  # "[devices]" is no markup
        with Vertical(id="signin"):
            yield Static(_("Sign in"), id="title", markup=False)
            yield Static(
                _("Scan your badge, or type your name and press Enter."), id="hint", markup=False
            )
            field = WedgeInput(placeholder=_("badge or name"), id="who", scans="submit")
            field.cursor_blink = False
            yield field
            yield Static(
                "", id="parting", markup=False
            )  # why the last packer left: a notice, not an error
            yield Static("", id="nobody", markup=False)  # a store with no user yet
            yield Static("", id="error", markup=False)
            yield OptionList(id="names", markup=False)
        yield KeyBar(self.BINDINGS, id="keys")

    def on_mount(self) -> None:
        self.refill()
        self.query_one("#who", Input).focus()

    def on_screen_resume(self) -> None:
        self.refill()
        self.query_one("#who", Input).value = ""
        self.say_parting(self.parting)
        self.query_one("#error", Static).update("")
        self.parting = ""
        self.query_one("#who", Input).focus()

    def refill(self) -> None:
        names = self.query_one("#names", OptionList)
        names.clear_options()
        users = self.store.read(list_users)
        for user in users or []:
            role = role_label(user.role)
            said = _("{name} ({role})").format(name=user.name, role=role)
            names.add_option(Option(said, id=user.name))
        # a new store (not one out of reach): nobody to choose, and it was not said
        nobody = self.query_one("#nobody", Static)
        nobody.update(_(NOBODY_YET) if users == [] else "")
        nobody.display = users == []

    def action_to_list(self) -> None:
        names = self.query_one("#names", OptionList)
        names.focus()
        if names.highlighted is None and names.option_count:
            names.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.sign_in(event.value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.sign_in(event.option.id or "")

    def sign_in(self, code: str) -> None:
        code = code.strip()
        if not code:
            return
        self.say_parting("")  # it was said to the packer who left
        user = self.store.read(lambda uow: find_user(uow, code))
        if user is None and self.store.down:
            self.query_one("#who", Input).value = ""  # the error line says why
            return
        if user is None:
            said = _("Nobody has the badge or name '{code}'; scan again or choose a name.")
            if not self.query_one("#names", OptionList).option_count:
                said = _("Nobody has the badge or name '{code}': {nobody}")
            self.query_one("#error", Static).update(said.format(code=code, nobody=_(NOBODY_YET)))
            self.query_one("#who", Input).value = ""
            self.app.bell()
            return
        via = "badge" if code == user.badge else "name"
        self.store.user = user.name
        try:
            self.store.action(lambda uow: sign_in(uow, role=user.role, via=via))
        except AlreadyApplied:
            pass  # signed in before the connection broke
        except UserError as exc:
            self.store_lost(exc)
            return
        from packstation.screens.bench.packing import BenchScreen

        self.app.push_screen(
            BenchScreen(self.engine, Packer(user.name, user.role), self.notice), self.signed_out
        )

    def say_parting(self, text: str) -> None:
        parting = self.query_one("#parting", Static)
        parting.update(text)
        parting.display = bool(text)  # no empty row when there is nothing to say

    def signed_out(self, why: str | None) -> None:
        self.parting = why or ""

    def store_lost(self, exc: UserError) -> None:
        self.query_one("#error", Static).update(str(exc))
        self.query_one("#who", Input).value = ""  # scan again once it is back
        self.app.bell()

    def store_back(self) -> None:
        self.query_one("#error", Static).update("")
        self.refill()
