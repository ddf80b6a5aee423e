"""Courier handover: parcels are scanned into a bag, cage or pickup of one carrier; sealing
prints the list and saves it as CSV.  Parcels packed but not handed over are listed beside."""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static

from packstation.errors import UserError
from packstation.i18n import N_, _, as_read, listed, ngettext
from packstation.labels.content import kilograms
from packstation.screens.lead.base import ActionDone, LeadScreen
from packstation.screens.lead.dialogs import Prompt, TextPage
from packstation.screens.lead.format import local_time
from packstation.services.carriers import carrier_code_of
from packstation.services.handover import (
    EMPTY_HANDOVER,
    KINDS,
    LABEL_NOT_PRINTED,
    HandoverRefused,
    Manifest,
    ScannedParcel,
    SealedHandover,
    WaitingParcel,
    discard_handover,
    handover_manifest,
    kept_out_sentence,
    last_sealed,
    open_handover,
    open_handovers,
    print_list_again,
    remove_parcel,
    scan_parcel,
    seal_handover,
    sealed_handover,
    shop_couriers,
    waiting_parcels,
)
from packstation.services.manifest_print import manifest_text
from packstation.services.retry import AlreadyApplied, already_stored, applied_event
from packstation.services.status_names import carrier_label
from packstation.store.uow import UnitOfWork
from packstation.widgets.lead.table import LeadTable
from packstation.widgets.pieces import Pieces
from packstation.widgets.wedge_input import WedgeInput

SIDE_BY_SIDE = 120  # columns the two lists need beside each other
HEADER_GAP = " · "  # between the parts of the handover's line
ROW_DIGITS = 4  # a number this short typed at Ctrl+R is the list's No., never a waybill
KIND_LABELS = {"bag": N_("bag"), "cage": N_("cage"), "pickup": N_("pickup")}


class HandoverLoaded(Message):
    def __init__(
        self,
        manifest: Manifest | None,
        waiting: list[WaitingParcel],
        open_ids: list[int],
        switch: int,
    ) -> None:
        super().__init__()
        self.manifest = manifest
        self.waiting = waiting
        self.open_ids = open_ids
        self.switch = switch  # the screen's switch count when the load began


class ParcelScanned(Message):
    def __init__(self, scanned: ScannedParcel | None, refusal: str) -> None:
        super().__init__()
        self.scanned = scanned
        self.refusal = refusal


class HandoverSealed(Message):
    def __init__(self, sealed: SealedHandover) -> None:
        super().__init__()
        self.sealed = sealed


class HandoverScreen(LeadScreen):
    TITLE_TEXT = N_("Courier handover")
    BINDINGS = [
        Binding("ctrl+n", "new", N_("New handover")),
        Binding("ctrl+s", "seal", N_("Seal and print")),
        Binding("ctrl+r", "remove", N_("Take out")),
        Binding("ctrl+o", "next_open", N_("Next open")),
        Binding("ctrl+p", "print_again", N_("Print a list again")),
        Binding("f8", "discard", N_("Throw away if empty")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.handover_id: int | None = None
        self.manifest: Manifest | None = None
        # the parcels taken out of a handover by others (a void…) that the screen has named
        self._told_taken_out: set[tuple[int, str]] = set()
        # the handover whose seal is under way: a second Ctrl+S meanwhile asked again about a
        # handover being sealed, and its question stayed open after the seal (the next Enter
        # closed the list instead)
        self._sealing: int | None = None
        # counts the lead's switches to another handover (Ctrl+N, Ctrl+O, a seal): a load begun
        # before the last one is dropped (one that ended after Ctrl+N put the screen back on the
        # old handover, and the next scan was refused as another courier's)
        self._switches = 0

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        # in pieces that wrap whole: at 80 columns a count wrapped away from its words
        # ("… 0.000 kg  8" over "个未封，Ctrl+O：下一个")
        line = Pieces(gap=HEADER_GAP, id="handover-line", classes="section")
        line.show([Text(_("No handover open: Ctrl+N opens one for a carrier."))])
        yield line
        yield WedgeInput(
            placeholder=_("Scan each parcel's label (tracking number) into the handover"),
            id="scan",
            scans="submit",
        )
        yield Static("", id="flash", markup=False)
        with Horizontal(id="handover-body"):
            with Vertical():
                yield Label(_("In this handover"), classes="section", markup=False)
                inside: DataTable[str | Text] = LeadTable(id="inside", cursor_type="row")
                yield inside
            with Vertical():
                yield Label("", id="waiting-title", classes="section", markup=False)
                waiting: DataTable[str | Text] = LeadTable(id="waiting", cursor_type="row")
                yield waiting
        yield from self.compose_footer()

    def on_mount(self) -> None:
        super().on_mount()
        inside = self.query_one("#inside", DataTable)
        for label in (N_("No."), N_("Tracking number"), N_("Order"), N_("Weight")):
            inside.add_column(_(label))
        waiting = self.query_one("#waiting", DataTable)
        for label in (N_("Carrier"), N_("Tracking number"), N_("Order"), N_("Packed at")):
            waiting.add_column(_(label))
        field = self.query_one("#scan", Input)
        field.cursor_blink = self.lead.blink
        field.focus()
        self.set_interval(self.lead.refresh_seconds * 3, self.reload)
        # the first load comes with ScreenResume, which a screen gets when it is first shown

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        # side by side the two lists need about 120 columns; narrower, one above the other, or
        # their order numbers are cut to numbers that look real
        body = self.query_one("#handover-body")
        body.styles.layout = "horizontal" if event.size.width >= SIDE_BY_SIDE else "vertical"

    def reload(self) -> None:
        self._load(self.handover_id, self._switches)

    def _switch_to(self, handover_id: int | None) -> None:
        """Show ``handover_id`` from now on (on the screen's thread)."""
        self.handover_id = handover_id
        self._switches += 1

    @work(thread=True, exclusive=True, group="handover", exit_on_error=False)
    def _load(self, handover_id: int | None, switch: int) -> None:
        lead = self.lead
        opened = [h.id or 0 for h, _count in open_handovers(lead.uow(readonly=True), day=lead.day)]
        if handover_id is None and opened:
            handover_id = opened[-1]
        manifest = (
            handover_manifest(lead.uow(readonly=True), handover_id=handover_id)
            if handover_id
            else None
        )
        carrier = manifest.carrier if manifest else None
        waiting = waiting_parcels(lead.uow(readonly=True), carrier=carrier, limit=500)
        self.post_latest(HandoverLoaded(manifest, waiting, opened, switch))

    def on_handover_loaded(self, message: HandoverLoaded) -> None:
        if message.switch != self._switches:
            return  # read before the lead switched handovers: the newer load follows
        manifest = message.manifest
        self.manifest = manifest
        self.handover_id = manifest.handover_ids[0] if manifest else None
        line = self.query_one("#handover-line", Pieces)
        if manifest is None:
            line.show([Text(_("No handover open: Ctrl+N opens one for a carrier."))])
        else:
            sealed = manifest.sealed_at is not None
            text = ngettext(
                "Handover {id} · {carrier} {name} · {kind} · {count} parcel · {weight}",
                "Handover {id} · {carrier} {name} · {kind} · {count} parcels · {weight}",
                manifest.count,
            ).format(
                id=self.handover_id,
                carrier=manifest.carrier,
                name=manifest.carrier_name,
                kind=_(KIND_LABELS.get(manifest.kind, manifest.kind)),
                count=manifest.count,
                weight=kilograms(manifest.total_weight_g),
            )
            # the sentence's parts, as the language writes them, are its pieces
            pieces = text.split(HEADER_GAP)
            if sealed:
                pieces.append(_("(sealed)"))
            if len(message.open_ids) > 1:
                pieces.append(_("{count} open, Ctrl+O: next").format(count=len(message.open_ids)))
            line.show(Text(piece) for piece in pieces)
            self._tell_taken_out(manifest)
        inside = self.query_one("#inside", DataTable)
        inside.clear()
        for number, row in enumerate(manifest.lines if manifest else [], start=1):
            order = f"{row.order_no} ({row.stopped})" if row.stopped else row.order_no
            inside.add_row(str(number), row.tracking_no, order, kilograms(row.weight_g))
        if inside.row_count:
            inside.move_cursor(row=inside.row_count - 1)
        waiting = self.query_one("#waiting", DataTable)
        waiting.clear()
        outside = [w for w in message.waiting if w.handover_id is None]
        for parcel in outside:
            # a scan of it is refused until its label is printed (and on the box)
            order = parcel.order_no
            if parcel.label_waits:
                order = f"{order} ({_(LABEL_NOT_PRINTED)})"
            waiting.add_row(
                carrier_label(parcel.carrier),
                parcel.tracking_no,
                order,
                local_time(parcel.packed_at, self.lead.zone),
            )
        carrier = carrier_label(manifest.carrier) if manifest else _("all carriers")
        self.query_one("#waiting-title", Label).update(
            _("Packed, not handed over ({carrier}): {count}").format(
                carrier=carrier, count=len(outside)
            )
        )

    def _tell_taken_out(self, manifest: Manifest) -> None:
        """Name the parcels taken out of the handover elsewhere since they were scanned in (a
        label voided at F3 or by ``packstation label --void``): the row went at the next
        refresh without a word, and the box stayed in the cage to go to the courier."""
        handover_id = manifest.handover_ids[0]
        new = [
            t
            for t in manifest.taken_out
            if (handover_id, t.tracking_no) not in self._told_taken_out
        ]
        if not new:
            return
        self._told_taken_out |= {(handover_id, t.tracking_no) for t in new}
        self.say(
            ngettext(
                "Taken out of handover {id} since it was scanned in: {parcels}; pull it out of "
                "the bag or cage, it does not go to the courier.",
                "Taken out of handover {id} since they were scanned in: {parcels}; pull them out "
                "of the bag or cage, they do not go to the courier.",
                len(new),
            ).format(
                id=handover_id,
                parcels=listed(f"{t.tracking_no} ({t.why})" for t in new),
            ),
            error=True,
        )

    @on(Input.Submitted, "#scan")
    def scanned(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        event.input.value = ""
        if not code:
            return
        if self.handover_id is None or (self.manifest and self.manifest.sealed_at):
            self.say(_("Open a handover first: Ctrl+N."), error=True)
            return
        self._scan(self.handover_id, code)

    @work(thread=True, group="scan", exit_on_error=False)
    def _scan(self, handover_id: int, code: str) -> None:
        try:
            scanned = self.lead.action(
                lambda uow: scan_parcel(uow, handover_id=handover_id, code=code)
            )
        except AlreadyApplied as applied:
            # the answer was lost: a refusal was stored too, and must still be said
            stored = applied_event(self.lead.engine, applied.action_id)
            if stored is not None and stored[0] == "handover_refused":
                self.post_message(ParcelScanned(None, as_read(str(stored[1].get("reason", "")))))
            else:
                self.app.call_from_thread(self._stored_before)
        except HandoverRefused as exc:
            self.post_message(ParcelScanned(None, str(exc)))
        else:
            self.post_message(ParcelScanned(scanned, ""))

    def on_parcel_scanned(self, message: ParcelScanned) -> None:
        if message.scanned is None:
            self.say(_("REFUSED: {reason}").format(reason=message.refusal), error=True)
        else:
            s = message.scanned
            self.say(
                _("✓ {code} · order {order} · {weight} · {count} in the handover").format(
                    code=s.tracking_no,
                    order=s.order_no,
                    weight=kilograms(s.weight_g),
                    count=s.count,
                ),
                error=False,
            )
        self.reload()

    def say(self, text: str, *, error: bool = False) -> None:
        """This screen answers every action in its flash, under the scan field where the lead
        looks (a line at the bottom kept saying "Handover 2 … is open" after it was sealed)."""
        flash = self.query_one("#flash", Static)
        flash.update(text)
        flash.set_class(error, "refused")
        flash.set_class(not error, "accepted")
        if error:
            self.app.bell()

    def action_new(self) -> None:
        lead = self.lead
        known = " ".join(shop_couriers(lead.settings))

        def answered(answer: str | None) -> None:
            if not answer:
                return
            words = answer.split()
            carrier = carrier_code_of(lead.settings, words[0])
            kind = _kind_word(words[1]) if len(words) > 1 else "bag"

            def job(uow: UnitOfWork) -> str:
                handover = open_handover(
                    uow, carrier=carrier, day=lead.day, settings=lead.settings, kind=kind
                )
                self.app.call_from_thread(self._switch_to, handover.id)
                return _("Handover {id} for {carrier} is open: scan its parcels.").format(
                    id=handover.id, carrier=carrier_label(handover.carrier)
                )

            self.act(job)

        self.app.push_screen(
            Prompt(
                _("Carrier and kind ({kinds}), e.g. YTO bag. Carriers: {known}").format(
                    kinds=listed(_(KIND_LABELS[k]) for k in KINDS), known=known
                ),
                value=f"{lead.settings.shipping.default_carrier} {_(KIND_LABELS['bag'])}",
            ),
            answered,
        )

    def on_action_done(self, message: ActionDone) -> None:
        super().on_action_done(message)
        self.query_one("#scan", Input).focus()

    def action_next_open(self) -> None:
        self._next_open()

    @work(thread=True, exclusive=True, group="handover", exit_on_error=False)
    def _next_open(self) -> None:
        opened = [
            h.id or 0
            for h, _count in open_handovers(self.lead.uow(readonly=True), day=self.lead.day)
        ]
        if not opened:
            self.app.call_from_thread(
                self.say, _("No handover is open: Ctrl+N opens one."), error=True
            )
            return
        if opened == [self.handover_id]:  # it did nothing, and said nothing
            self.app.call_from_thread(
                self.say,
                _("Handover {id} is the only one open; Ctrl+N opens another.").format(
                    id=self.handover_id
                ),
            )
            return
        later = [i for i in opened if self.handover_id is None or i > self.handover_id]
        self.app.call_from_thread(self._switch_to, later[0] if later else opened[0])
        self.app.call_from_thread(self.say, "")  # "REFUSED: …" was the other handover's
        self.app.call_from_thread(self.reload)

    def action_discard(self) -> None:
        """An empty handover opened by mistake (EMS for YTO, a bag for a cage) is thrown away."""
        if self.handover_id is None or self.manifest is None or self.manifest.sealed_at:
            self.say(_("Open a handover first: Ctrl+N."), error=True)
            return
        handover_id = self.handover_id

        def job(uow: UnitOfWork) -> str:
            discard_handover(uow, handover_id=handover_id)
            self.app.call_from_thread(self._switch_to, None)
            return _("Handover {id} was empty and is thrown away.").format(id=handover_id)

        self.act(job)

    def action_remove(self) -> None:
        if self.handover_id is None or self.manifest is None or self.manifest.sealed_at:
            self.say(_("Open a handover first: Ctrl+N."), error=True)
            return
        handover_id = self.handover_id
        lines = list(self.manifest.lines)

        def answered(answer: str | None) -> None:
            code = (answer or "").strip()
            if not code:
                return
            if code.isascii() and code.isdigit() and len(code) <= ROW_DIGITS:
                # the list's No. (a waybill number is far longer): it was read as a parcel's
                # inner id, "not in this handover" though the row was listed
                if not 1 <= int(code) <= len(lines):
                    self.say(
                        ngettext(
                            "There is no row {row}: the list has {count} row.",
                            "There is no row {row}: the list has {count} rows.",
                            len(lines),
                        ).format(row=code, count=len(lines)),
                        error=True,
                    )
                    return
                code = lines[int(code) - 1].tracking_no

            def job(uow: UnitOfWork) -> str:
                remove_parcel(uow, handover_id=handover_id, code=code)
                return _("Parcel {code} taken out of the handover.").format(code=code)

            self.act(job)

        self.app.push_screen(
            Prompt(
                _("Scan the parcel to take out of the handover, or type its No. in the list:"),
                scans="submit",
            ),
            answered,
        )

    def action_print_again(self) -> None:
        self._ask_print_again()

    @work(thread=True, group="print-again", exit_on_error=False)
    def _ask_print_again(self) -> None:
        lead = self.lead
        last = last_sealed(lead.uow(readonly=True), day=lead.day)

        def answered(answer: str | None) -> None:
            text = (answer or "").strip()
            if not text:
                return
            if not (text.isascii() and text.isdigit() and len(text) <= 9):
                self.say(_("'{answer}' is not a handover number.").format(answer=text), error=True)
                return
            handover_id = int(text)

            def job(uow: UnitOfWork) -> str:
                again = print_list_again(uow, handover_id=handover_id, settings=lead.settings)
                return _(
                    "The list of handover {id} is queued for printing again (job {job})."
                ).format(id=handover_id, job=again.print_job_id)

            self.act(job)

        prompt = Prompt(
            _("Print the list of which sealed handover again? Its number:"),
            value=str(last) if last is not None else "",
        )
        self.app.call_from_thread(self.app.push_screen, prompt, answered)

    def action_seal(self) -> None:
        if self._sealing is not None:
            self.say(
                _("Handover {id} is being sealed; its list comes in a moment.").format(
                    id=self._sealing
                )
            )
            return
        if self.handover_id is None or self.manifest is None or self.manifest.sealed_at is not None:
            self.say(_("Open a handover first: Ctrl+N."), error=True)
            return
        handover_id = self.handover_id
        # refused before the courier's name is asked for, not after (a parcel taken out
        # elsewhere is named by the seal)
        if self.manifest.count == 0 and not self.manifest.taken_out:
            self.say(_(EMPTY_HANDOVER), error=True)
            return
        going = [line for line in self.manifest.lines if not line.stopped]
        stopped = [line.tracking_no for line in self.manifest.lines if line.stopped]
        stopped += [t.tracking_no for t in self.manifest.taken_out]
        if not going:
            # nothing to seal: the seal takes them out and says so (asking "seal with 1
            # parcel?" and then sealing none misled)
            self._start_seal(handover_id, "")
            return

        def answered(courier: str | None) -> None:
            if courier is None:
                return
            self._start_seal(handover_id, courier)

        question = ngettext(
            "Seal handover {id} with {count} parcel? Courier's name (may stay empty), "
            "Enter to seal:",
            "Seal handover {id} with {count} parcels? Courier's name (may stay empty), "
            "Enter to seal:",
            len(going),
        ).format(id=handover_id, count=len(going))
        if stopped:
            question = (
                _("{codes} come out at the seal (see the list).").format(codes=listed(stopped))
                + " "
                + question
            )
        self.app.push_screen(Prompt(question), answered)

    def _start_seal(self, handover_id: int, courier: str) -> None:
        self._sealing = handover_id
        self._seal(handover_id, courier)

    def _seal_ended(self) -> None:
        self._sealing = None

    def _seal_refused(self, text: str) -> None:
        self._sealing = None
        self.say(text, error=True)

    @work(thread=True, group="seal", exit_on_error=False)
    def _seal(self, handover_id: int, courier: str) -> None:
        lead = self.lead
        now = lead.clock()
        try:
            sealed = lead.action(
                lambda uow: seal_handover(
                    uow,
                    handover_id=handover_id,
                    settings=lead.settings,
                    courier_name=courier,
                    now=now,
                )
            )
        except AlreadyApplied:
            # sealed before the answer was lost: its list was queued and saved then (a read,
            # as the scan's refusal is read back: no writing transaction for it)
            sealed = sealed_handover(
                lead.uow(readonly=True), handover_id=handover_id, settings=lead.settings
            )
        except UserError as exc:  # refused, or the store lost: Ctrl+S may try again
            self.app.call_from_thread(self._seal_refused, str(exc))
            return
        except Exception:
            self.app.call_from_thread(self._seal_ended)
            raise  # said by the worker's error handler
        self.post_message(HandoverSealed(sealed))

    def _stored_before(self) -> None:
        """A retried scan found that its first attempt committed: show what the store has."""
        self.say(already_stored(), error=False)
        self.reload()

    def on_handover_sealed(self, message: HandoverSealed) -> None:
        sealed = message.sealed
        self._sealing = None
        self._switch_to(None)
        self.manifest = None
        done = ngettext(
            "Handover sealed: {count} parcel handed over; list printed (job {job}) and saved as "
            "{path}.",
            "Handover sealed: {count} parcels handed over; list printed (job {job}) and saved as "
            "{path}.",
            sealed.manifest.count,
        ).format(count=sealed.manifest.count, job=sealed.print_job_id, path=sealed.csv_path)
        listed = manifest_text(sealed.manifest, self.lead.settings.shop.name)
        if sealed.kept_out:
            # the parcels to keep from the courier first: a long line is cut at its end
            warning = kept_out_sentence(sealed.kept_out)
            self.say(f"{warning} {done}", error=True)
            listed = f"{warning}\n\n{listed}"
        else:
            self.say(done, error=False)
        self.reload()
        self.app.push_screen(TextPage(_("Handover list"), listed))


def _kind_word(word: str) -> str:
    """A kind as typed: bag, cage, pickup, or the word the prompt shows for it (袋, 笼…)."""
    shown = {_(label).lower(): kind for kind, label in KIND_LABELS.items()}
    # the Chinese words whatever the screen's language (圆通 笼 was refused in English)
    shown |= {"袋": "bag", "笼": "cage", "笼车": "cage", "上门揽收": "pickup", "揽收": "pickup"}
    return shown.get(word.lower(), word.lower())
