"""Text fields tell a scanner's burst from a person's typing (scripted key timings)."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult

from packstation.widgets.wedge_input import WedgeInput


class FieldApp(App[None]):
    def __init__(self, scans: str, value: str = "") -> None:
        super().__init__()
        self.mode = scans
        self.value = value
        self.scanned: list[str] = []
        self.submitted: list[str] = []

    def compose(self) -> ComposeResult:
        yield WedgeInput(value=self.value, id="field", scans=self.mode)  # type: ignore[arg-type]

    def on_wedge_input_scanned(self, message: WedgeInput.Scanned) -> None:
        self.scanned.append(message.code)

    def on_input_submitted(self, message: WedgeInput.Submitted) -> None:
        self.submitted.append(message.value)


def _run(
    scans: str, script: list[tuple[str, float]], settle: float = 0.0, value: str = ""
) -> tuple[str, list[str], list[str]]:
    """Press each key after advancing a scripted clock by its gap (seconds); the field starts
    with ``value``, selected as it gets the keyboard."""

    async def scenario() -> tuple[str, list[str], list[str]]:
        app = FieldApp(scans, value)
        async with app.run_test() as pilot:
            field = app.query_one(WedgeInput)
            now = [1000.0]
            field.clock = lambda: now[0]
            for key, gap in script:
                now[0] += gap
                await pilot.press(key)
            if settle:
                now[0] += settle
                await pilot.pause(0.25)  # the hold timer fires and releases typed keys
            return field.value, app.scanned, app.submitted

    return asyncio.run(scenario())


def _burst(code: str, gap: float = 0.004) -> list[tuple[str, float]]:
    return [(ch, gap) for ch in code] + [("enter", gap)]


def _typed(text: str, gap: float = 0.15) -> list[tuple[str, float]]:
    return [("space" if ch == " " else ch, gap) for ch in text]


def test_a_scan_never_lands_in_a_reason_field() -> None:
    value, scanned, submitted = _run("post", _burst("6901234567892"))
    assert (value, scanned, submitted) == ("", ["6901234567892"], [])


def test_typing_is_never_taken_for_a_scan() -> None:
    script = [*_typed("damaged box"), ("backspace", 0.15), ("enter", 0.15)]
    value, scanned, submitted = _run("post", script)
    assert (value, scanned, submitted) == ("damaged bo", [], ["damaged bo"])


def test_a_fast_typist_with_a_short_word_is_typing() -> None:
    value, scanned, _ = _run("post", _burst("ok", gap=0.02)[:-1], settle=1.0)
    assert value == "ok" and scanned == []


def test_typing_replaces_a_suggested_answer() -> None:
    """The lead's handover dialog suggests "YTO bag"; the lead types another courier."""
    typed = [*_typed("zto"), ("enter", 0.15)]
    assert _run("post", typed, value="YTO bag") == ("zto", [], ["zto"])
    quick = _burst("ok", gap=0.02)[:-1]  # held back as a possible scan, then typed
    assert _run("post", quick, settle=1.0, value="YTO bag")[0] == "ok"
    after_end = [("end", 0.15), *_typed(" x")]  # the cursor moved first: typing adds
    assert _run("post", after_end, settle=1.0, value="YTO bag")[0] == "YTO bag x"


def test_scan_modes_fill_and_submit() -> None:
    assert _run("fill", _burst("YT7000000000001"))[:3] == (
        "YT7000000000001",
        ["YT7000000000001"],
        [],
    )
    value, scanned, submitted = _run("submit", _burst("U-9001"))
    assert (value, scanned, submitted) == ("U-9001", ["U-9001"], ["U-9001"])


def test_typing_then_a_scan_keeps_the_typing() -> None:
    script = [*_typed("note "), *_burst("6901234567892")]
    value, scanned, _ = _run("post", script)
    # a space typed just before the burst travels with it and is trimmed off the code
    assert value == "note" and scanned == ["6901234567892"]
