"""``packstation user``: people added, removed when they leave and added back, on both stores;
what the benches and the lead's overrides then accept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from packstation.cli import main
from packstation.errors import UserError
from packstation.services import users as users_module
from packstation.services.audit import audit
from packstation.services.users import add_user, check_lead_pin, find_user, try_pin
from packstation.store import uow as uow_module
from packstation.store.models import Event
from packstation.store.types import utcnow
from packstation.store.uow import UnitOfWork


def run(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(["--db", url, "--lang", "en", "user", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_packer_who_left_no_longer_signs_in_and_their_badge_is_free(
    capsys: pytest.CaptureFixture[str], store_url: str, engine: Engine
) -> None:
    add_user(UnitOfWork(engine), name="小李", role="packer", badge="U-1001")
    code, out, _err = run(capsys, store_url, "remove", "小李")
    assert (code, out) == (0, "Removed 小李; their badge U-1001 is free.\n")
    assert find_user(UnitOfWork(engine), "U-1001") is None  # the badge signs in no one
    assert find_user(UnitOfWork(engine), "小李") is None  # nor the name
    assert run(capsys, store_url, "list")[1].startswith("No users yet")
    add_user(UnitOfWork(engine), name="小周", role="packer", badge="U-1001")  # reissued
    code, out, err = run(capsys, store_url, "add", "小李", "--badge", "U-1009")
    assert code == 0, err  # back again, with a new badge
    assert out == "Added packer 小李.\n"
    # the role in the user's words: the Chinese said "已添加packer 小李"
    main(["--db", store_url, "--lang", "zh_CN", "user", "add", "小吴"])
    assert capsys.readouterr().out == "已添加打包员 小吴。\n"
    back = find_user(UnitOfWork(engine), "U-1009")
    assert back is not None and back.name == "小李"
    # a header, and the columns lined up in terminal cells (a Chinese name is two a character)
    assert run(capsys, store_url, "list")[1].splitlines() == [
        "name  role    badge",
        "小吴  packer  -",
        "小周  packer  U-1001",
        "小李  packer  U-1009",
    ]
    with UnitOfWork(engine, readonly=True) as uow:
        kinds = [e.kind for e in uow.session.exec(select(Event).order_by(Event.id))]
    assert kinds == ["user_added", "user_removed", "user_added", "user_added", "user_added"]
    assert audit(engine).ok


def test_a_user_without_a_badge_is_removed_without_a_word_of_one(
    capsys: pytest.CaptureFixture[str], store_url: str, engine: Engine
) -> None:
    """ "their badge is free" was said of a user who had none."""
    add_user(UnitOfWork(engine), name="小郑", role="packer")
    assert run(capsys, store_url, "remove", "小郑")[1] == "Removed 小郑.\n"


def test_a_removed_lead_no_longer_overrides_and_the_last_lead_stays(
    capsys: pytest.CaptureFixture[str], store_url: str, engine: Engine
) -> None:
    add_user(UnitOfWork(engine), name="王组长", role="lead", badge="U-9001", pin="1234")
    code, _out, err = run(capsys, store_url, "remove", "王组长")
    assert code != 0 and "王组长 is the only lead; add another lead first." in err
    assert check_lead_pin(UnitOfWork(engine), name="王组长", pin="1234").name == "王组长"
    add_user(UnitOfWork(engine), name="赵组长", role="lead", pin="5678")
    assert run(capsys, store_url, "remove", "王组长")[0] == 0
    with pytest.raises(UserError):
        check_lead_pin(UnitOfWork(engine), name="王组长", pin="1234")
    code, _out, err = run(capsys, store_url, "remove", "王组长")  # already gone
    assert code != 0 and "No user is named '王组长'" in err and "Traceback" not in err


def test_a_new_pin_replaces_the_old_one(
    capsys: pytest.CaptureFixture[str],
    store_url: str,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_user(UnitOfWork(engine), name="王组长", role="lead", pin="1234")
    answers = iter(["98765", "98765"])  # typed twice, hidden
    monkeypatch.setattr("click.termui.visible_prompt_func", lambda _prompt: next(answers))
    monkeypatch.setattr("click.termui.hidden_prompt_func", lambda _prompt: next(answers))
    code, out, err = run(capsys, store_url, "pin", "王组长")
    assert code == 0, err
    assert out.endswith("New PIN set for 王组长.\n")
    assert check_lead_pin(UnitOfWork(engine), name="王组长", pin="98765").name == "王组长"
    with pytest.raises(UserError):
        check_lead_pin(UnitOfWork(engine), name="王组长", pin="1234")
    answers = iter(["12", "12"])
    code, _out, err = run(capsys, store_url, "pin", "王组长")
    assert code != 0 and "A PIN is 4 to 12 digits" in err


def test_a_pin_for_nobody_is_refused_before_it_is_asked(
    capsys: pytest.CaptureFixture[str], store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PIN was typed twice, then 'No user is named'."""

    def asked(_prompt: str) -> str:
        raise AssertionError("the PIN was asked for")

    monkeypatch.setattr("click.termui.hidden_prompt_func", asked)
    code, _out, err = run(capsys, store_url, "pin", "NOBODY")
    assert code == 1 and "No user is named 'NOBODY'" in err


def test_a_badge_that_is_also_a_command_or_a_product_is_refused(engine: Engine) -> None:
    """CMD-NEXT and a product's barcode were taken as badges: scanned at the sign-in, the
    other code would sign the person in."""
    from packstation.store.models import Product, ProductBarcode

    with UnitOfWork(engine) as uow:
        uow.session.add(Product(sku="MUG-01", name="马克杯"))
        uow.session.flush()
        uow.session.add(ProductBarcode(code="6921234500033", sku="MUG-01"))
        uow.commit()
    for badge, what in (
        ("CMD-NEXT", "a bench command's barcode"),
        ("6921234500033", "a product's barcode"),
    ):
        with pytest.raises(UserError) as refused:
            add_user(UnitOfWork(engine), name="小周", role="packer", badge=badge)
        assert str(refused.value) == (
            f"The badge '{badge}' is also {what}; give the person a code of their own."
        )
    assert find_user(UnitOfWork(engine), "小周") is None
    # a packer signs in by typing the name too: a name that is one of those codes is refused
    with pytest.raises(UserError) as refused:
        add_user(UnitOfWork(engine), name="CMD-NEXT", role="packer")
    assert str(refused.value) == (
        "The name 'CMD-NEXT' is also a bench command's barcode; give the person their own name."
    )


def test_a_name_or_badge_longer_than_the_store_keeps_is_refused(engine: Engine) -> None:
    """A 300-character name was stored on SQLite (every line of 'user list' 600 columns wide)
    and refused by PostgreSQL with a traceback."""
    for name, badge in (("长" * 101, None), ("小周", "B" * 65)):
        with pytest.raises(UserError) as refused:
            add_user(UnitOfWork(engine), name=name, role="packer", badge=badge)
        assert str(refused.value) == (
            "A name has at most 100 characters and a badge at most 64; shorten it."
        )
    add_user(UnitOfWork(engine), name="长" * 100, role="packer", badge="B" * 64)
    assert find_user(UnitOfWork(engine), "B" * 64) is not None


def test_the_lead_s_application_opens_for_a_lead_with_their_pin(
    store_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any name opened it, a packer's or a blank one, and signed the day's decisions."""
    from click.testing import CliRunner

    from packstation import lead_app
    from packstation.cli import build_cli

    opened: list[str] = []
    monkeypatch.setattr(lead_app, "run_lead", lambda settings, *, user: opened.append(user))
    runner = CliRunner()

    def lead(*args: str, pin: str = "") -> tuple[int, str]:
        result = runner.invoke(build_cli(), ["--db", store_url, "lead", *args], input=pin)
        return result.exit_code, str(result.exception or "")

    assert lead() == (0, "") and opened == ["lead"]  # a new shop: nobody to check against
    add_user(UnitOfWork(engine), name="小李", role="packer", badge="U-1001")
    add_user(UnitOfWork(engine), name="王组长", role="lead", badge="U-9001", pin="1234")
    for who in ("小李", "  ", "lead"):
        code, said = lead("--user", who)
        assert code == 1 and said.startswith(f"'{who.strip()}' is not a lead; give a lead's")
    # no --user once the shop has leads: said so (it said "'lead' is not a lead")
    assert lead() == (
        1,
        "Say who you are: --user with a lead's name or badge (see 'packstation user list').",
    )
    assert lead("--user", "U-9001", pin="4321\n4321\n4321\n") == (
        1,
        "Wrong PIN for 王组长; the lead's application did not open.",
    )
    # a mistyped PIN is asked again (one slip closed the application)
    assert lead("--user", "U-9001", pin="4321\n1234\n") == (0, "")
    assert opened == ["lead", "王组长"]  # the badge signs in its lead's name


def test_five_wrong_pins_in_a_row_pause_the_lead_s_pin(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing limited the tries: a 4-digit PIN is found in 10,000 of them, at the bench's F8
    or by starting the lead's application again and again."""
    add_user(UnitOfWork(engine), name="王组长", role="lead", pin="1234")
    add_user(UnitOfWork(engine), name="陈主管", role="lead", pin="5678")
    lead = find_user(UnitOfWork(engine), "王组长")
    assert lead is not None
    start = utcnow()
    clock = [start]
    for module in (uow_module, users_module):  # the tries and their events, minutes apart
        monkeypatch.setattr(module, "utcnow", lambda: clock[0])

    def tries(pin: str, minutes: float) -> bool:
        clock[0] = start + dt.timedelta(minutes=minutes)
        return try_pin(UnitOfWork(engine), lead, pin)

    # four wrong, then the right one: the count starts again
    assert [tries("0000", 0) for _ in range(4)] == [False] * 4
    assert tries("1234", 1)
    assert [tries("0000", 2 + n) for n in range(5)] == [False] * 5  # at 2, 3, 4, 5 and 6 min
    with pytest.raises(UserError) as paused:  # the right PIN too: it is not even checked
        tries("1234", 7)
    assert str(paused.value) == (
        "Too many wrong PINs for 王组长: their PIN is refused for 5 more minutes; another lead "
        "can confirm meanwhile."
    )
    with pytest.raises(UserError, match="for 1 more minute;"):
        tries("1234", 11.5)
    # another lead's PIN is theirs alone, and works meanwhile
    assert check_lead_pin(UnitOfWork(engine), name="陈主管", pin="5678").name == "陈主管"
    assert tries("1234", 12)  # ten minutes after the first of the five
    with Session(engine) as s:
        kinds = [e.kind for e in s.exec(select(Event).where(col(Event.kind).like("pin_%")))]
    assert kinds.count("pin_refused") == 9 and kinds.count("pin_accepted") == 3


def test_a_wrong_pin_at_the_bench_names_the_lead_not_the_badge(engine: Engine) -> None:
    """F8 with the lead's badge and a wrong PIN said "Wrong PIN for U-9001"."""
    add_user(UnitOfWork(engine), name="王组长", role="lead", badge="U-9001", pin="1234")
    with pytest.raises(UserError) as refused:
        check_lead_pin(UnitOfWork(engine), name="U-9001", pin="9999")
    assert str(refused.value) == "Wrong PIN for 王组长; nothing was overridden."
