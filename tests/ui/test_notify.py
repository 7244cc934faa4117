"""Finished-run notifications: the toast text, the bell, and the opt-in OSC 9 / OSC 777 sequences
(sanitised: a hostile run name cannot end the sequence early or smuggle its own escapes)."""

from __future__ import annotations

from tui.core.status import Lifecycle
from tui.core.watch import RunFinished, RunSnapshot
from tui.ui.notify import ENV, announce_finished, desktop_modes, osc_sequences, osc_text


def finished(name: str, status: str, life: Lifecycle, reason: str | None = None) -> RunFinished:
    snap = RunSnapshot("demo-liveramp", "liveramp", "question_run", "run-1", name, status, life,
                       failure_reason=reason)
    return RunFinished(snap, life, snap.reason)


class FakeDriver:
    def __init__(self) -> None:
        self.written: list[str] = []

    def write(self, data: str) -> None:
        self.written.append(data)


class FakeApp:
    is_headless = False

    def __init__(self) -> None:
        self._driver = FakeDriver()
        self.toasts: list[dict] = []
        self.bells = 0

    def notify(self, message, **kw) -> None:
        self.toasts.append({"message": message, **kw})

    def bell(self) -> None:
        self.bells += 1


def test_modes_are_opt_in():
    assert desktop_modes({}) == ()
    assert desktop_modes({ENV: "0"}) == ()
    assert desktop_modes({ENV: "1"}) == ("9", "777")
    assert desktop_modes({ENV: "9"}) == ("9",)
    assert desktop_modes({ENV: "777"}) == ("777",)


def test_osc_text_cannot_break_out_of_the_sequence():
    hostile = "Q4 run\x07\x1b]52;c;cm0gLXJmIC8=\x07;notify;fake\nline [bold]x[/bold]"
    text = osc_text(hostile)
    assert "\x07" not in text and "\x1b" not in text and ";" not in text and "\n" not in text
    assert "[bold]" in text  # not markup here either: it stays literal
    seqs = osc_sequences("Run failed", hostile, ("9", "777"))
    assert seqs[0].startswith("\x1b]9;") and seqs[0].count("\x07") == 1 and seqs[0].endswith("\x07")
    assert seqs[1].startswith("\x1b]777;notify;Run failed;") and seqs[1].count(";") == 3
    assert seqs[1].count("\x1b") == 1


def test_a_failure_is_a_toast_with_the_reason_a_bell_and_no_desktop_notification_by_default():
    app = FakeApp()
    announce_finished(app, finished("Weekly [red]reach[/red]", "FAILED", Lifecycle.FAILED, "Crowd size too small"),
                      modes=())
    [toast] = app.toasts
    assert toast["title"] == "Run failed" and toast["severity"] == "error" and toast["markup"] is False
    assert "Crowd size too small" in toast["message"] and "Weekly [red]reach[/red]" in toast["message"]
    assert app.bells == 1 and app._driver.written == []


def test_desktop_notification_when_asked_for():
    app = FakeApp()
    announce_finished(app, finished("Weekly reach", "COMPLETED", Lifecycle.SUCCEEDED), modes=("9", "777"))
    assert app.toasts[0]["title"] == "Run succeeded" and app.toasts[0]["severity"] == "information"
    assert [w[:6] for w in app._driver.written] == ["\x1b]9;Ru", "\x1b]777;"]
    assert "Weekly reach" in app._driver.written[0]
