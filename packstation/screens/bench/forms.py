"""The bench's actions that ask first, in a form over the pick list: tick by hand (F4), a
lead's override (F8), an exception (F6), a reprint (F7), quitting with an order open (Ctrl+Q),
and putting back (F9) or signing out (F10) when that undoes work done in the open box.

Each opens its form and, once answered, acts through the screen (``packing.BenchScreen``): its
store link, its message line and its drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from packstation.domain.status import ExceptionKind, Role, WeightSource
from packstation.errors import UserError
from packstation.i18n import _, ngettext, sentences
from packstation.screens.bench.dialogs import (
    ConfirmForm,
    LineChoice,
    LineForm,
    Override,
    OverrideForm,
    ReasonForm,
)
from packstation.services import packing
from packstation.services.packing_view import LineView, Phase
from packstation.services.users import check_lead_pin

if TYPE_CHECKING:
    from packstation.screens.bench.packing import BenchScreen


def _line_choices(lines: Sequence[LineView]) -> list[LineChoice]:
    return [
        LineChoice(
            line.line_id,
            f"{line.sku}  {line.title}  {line.spec}  ({line.packed}/{line.quantity})",
        )
        for line in lines
    ]


def tick_by_hand(screen: BenchScreen) -> None:
    """F4: choose a line and say why; one unit of it is ticked."""
    view = screen.view
    if view is None or screen.order_id is None or view.phase != Phase.PICKING:
        screen.say(_("Nothing to tick now."), "refused")
        return
    choices = _line_choices([line for line in view.lines if line.remaining > 0])
    order_id = screen.order_id

    def done(answer: object) -> None:
        if not isinstance(answer, tuple):
            return
        _kind, line_id, reason = answer
        result = screen.guard(
            lambda uow: packing.tick_manually(
                uow,
                order_id=order_id,
                line_id=line_id,
                reason=reason,
                settings=screen.bench_app.settings,
            )
        )
        if result is not None:
            screen.refresh_order(highlight=line_id)
            if result.box_closed:
                screen.weigh_prompt()
            said = result.message
            screen.say(f"{said}  {result.plan}" if result.plan else said, "ok")

    screen.app.push_screen(
        LineForm(
            _("Tick one unit by hand"),
            choices,
            placeholder=_("why, e.g. barcode torn"),
        ),
        done,
    )


def override(screen: BenchScreen) -> None:
    """F8: a lead's name, PIN and reason accept the blocked weight."""
    view = screen.view
    if view is None or view.phase != Phase.WEIGHING or screen.blocked_grams is None:
        screen.say(
            _("Nothing to override: F8 is for a weight blocked outside the tolerance."), "refused"
        )
        return
    box = view.current
    expected = box.expected_g if box and box.expected_g else 0
    grams = screen.blocked_grams
    lead = screen.packer.name if screen.packer.role == Role.LEAD else ""

    def done(answer: object) -> None:
        if not isinstance(answer, Override):
            return
        try:
            # a write: each try is counted (five wrong ones in a row pause the lead's PIN)
            screen.store.once(lambda uow: check_lead_pin(uow, name=answer.lead, pin=answer.pin))
        except UserError as exc:
            order_id, why = screen.order_id, str(exc)
            if order_id is not None:
                screen.happened(
                    lambda uow: packing.refuse_override(
                        uow, order_id=order_id, lead=answer.lead, why=why
                    )
                )
            screen.say(why, "refused")
            return
        if screen.store.down:
            return  # the PIN could not be checked, and the packer was told
        screen.submit_weight(grams, WeightSource.OVERRIDE, answer)

    screen.app.push_screen(OverrideForm(grams, expected, lead), done)


def raise_exception(screen: BenchScreen) -> None:
    """F6: short, damaged or wrong item; the order goes on hold."""
    view = screen.view
    if view is None or screen.order_id is None:
        screen.say(_("Open an order first: scan its number, or F2 for the next one."), "refused")
        return
    order_id = screen.order_id
    kinds = [
        (str(ExceptionKind.SHORT), _("Short: not enough stock")),
        (str(ExceptionKind.DAMAGED), _("Damaged item")),
        (str(ExceptionKind.WRONG_ITEM), _("Wrong item in the tote")),
    ]
    # the lines still to tick first, the first of them chosen: Enter pressed through the form
    # recorded the order's first line, ticked in full, as short
    choices = _line_choices(sorted(view.lines, key=lambda line: line.remaining <= 0))

    def done(answer: object) -> None:
        if not isinstance(answer, tuple):
            return
        kind, line_id, note = answer
        no = view.order_no
        held = screen.guard(
            lambda uow: packing.raise_exception(
                uow,
                order_id=order_id,
                kind=ExceptionKind(kind),
                note=note,
                line_id=line_id,
            )
        )
        if held is None:
            return
        screen.order_id = None
        screen.refresh_order()
        said = _("Order {no} is ON HOLD; put the tote on the lead's shelf.").format(no=no)
        if held.labels_voided:
            said = sentences(
                said, _("The box's label is void: tear it off and put the goods back in the tote.")
            )
        screen.say(said, "attention")

    screen.app.push_screen(
        LineForm(
            _("Exception: the order goes on hold"),
            choices,
            kinds=kinds,
            placeholder=_("note (optional)"),
            reason_required=False,
        ),
        done,
    )


def reprint(screen: BenchScreen) -> None:
    """F7: the label of the order (or of the last one packed) again, with a reason."""
    order_id = screen.order_id or screen.last_order_id
    if order_id is None:
        screen.say(_("No order to reprint."), "refused")
        return
    # said before the reason is asked for, not after: no label yet, or one still queued
    settings = screen.bench_app.settings
    refused = screen.store.read(
        lambda uow: packing.reprint_refusal(uow, order_id=order_id, settings=settings)
    )
    if refused:
        screen.say(refused, "refused")
        return

    def done(reason: object) -> None:
        if not isinstance(reason, str):
            return
        number = screen.guard(
            lambda uow: packing.reprint(uow, order_id=order_id, reason=reason, settings=settings)
        )
        if number is not None:
            screen.say(_("Label {tracking} queued again.").format(tracking=number), "ok")

    screen.app.push_screen(ReasonForm(_("Reprint the label"), _("why, e.g. label jammed")), done)


def put_back_asked(screen: BenchScreen, then: Callable[[], object], *, signing_out: bool) -> None:
    """F9 or F10 with work in the open box: asked first, since putting the order back undoes
    the box (its ticks, and a label printed for it); a key pressed by mistake (F9 beside F8 and
    F10) cost the packer the box.  An order just opened, with nothing in its box, goes back at
    once; so it does by the CANCEL barcode, scanned from the command sheet on purpose."""
    view = screen.view
    box = view.current if view is not None else None
    if view is None or box is None or not (box.units or box.tracking_no):
        then()
        return
    undone = ngettext(
        "Its open box is undone: {units} unit ticked in it goes back in the tote",
        "Its open box is undone: {units} units ticked in it go back in the tote",
        box.units,
    ).format(units=box.units)
    if box.tracking_no:
        undone += _(", and its label {number} is void").format(number=box.tracking_no)
    answer = (
        _("Enter: put it back and sign out.   Esc: stay and go on packing.")
        if signing_out
        else _("Enter: put it back.   Esc: stay and go on packing.")
    )

    def done(yes: object) -> None:
        if yes is True:
            then()

    screen.app.push_screen(
        ConfirmForm(
            _("Put order {no} back in the queue?").format(no=view.order_no),
            _("{undone}.").format(undone=undone) + "\n" + answer,
        ),
        done,
    )


def quit_bench(screen: BenchScreen) -> None:
    """Ctrl+Q: quit; an order still open here is put back first, once the packer says so (left
    claimed, it would wait for its lease to run out before another bench could take it)."""
    if screen.order_id is None:
        screen.app.exit()
        return
    no = screen.view.order_no if screen.view else ""

    def done(answer: object) -> None:
        if answer is not True:
            return
        screen.put_back()
        if screen.order_id is None:
            screen.app.exit()

    screen.app.push_screen(
        ConfirmForm(
            _("Order {no} is open at this bench").format(no=no),
            _("Enter: put it back in the queue and quit.   Esc: stay and go on packing."),
        ),
        done,
    )
