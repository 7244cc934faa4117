"""The real TUI (demo, real-time clock and LiveRamp's real budget) that watches N active runs, for the
idle-CPU benchmark. Writes the number of runs it watches to ``$BENCH_READY`` once they are watched.

    python tests/bench/idle_app.py [N]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.config import demo_profiles  # noqa: E402
from tui.core.session import build_sessions  # noqa: E402
from tui.emulator.options import EmulatorOptions  # noqa: E402
from tui.store import Store  # noqa: E402
from tui.ui.app import CleanroomApp  # noqa: E402


class IdleApp(CleanroomApp):
    # CSS_PATH is resolved next to the module defining the class: point back at the app's own
    CSS_PATH = str(Path(sys.modules[CleanroomApp.__module__].__file__).with_name("app.tcss"))

    def __init__(self, sessions, wanted: int) -> None:
        super().__init__(sessions)
        self.wanted = wanted

    def on_mount(self) -> None:  # CleanroomApp.on_mount runs too (Textual calls every class's handler)
        self.set_timer(0.5, lambda: self.run_worker(self._watch_active(), exit_on_error=False))

    async def _watch_active(self) -> None:
        try:
            await self._watch_some()
        except Exception as exc:  # tell the harness instead of idling silently
            Path(os.environ["BENCH_READY"]).write_text(f"error: {exc!r}")

    async def _watch_some(self) -> None:
        from tui.core.status import normalize

        session = next(s for s in self.sessions if s.platform == "liveramp")
        hub = self.watching
        watched = 0
        rooms = await session.call(lambda c: c.list_cleanrooms())
        from tui.api.http import ApiError

        for room in rooms:
            try:
                questions = await session.call(lambda c, rid=room.id: c.list_cleanroom_questions(rid))
            except ApiError:  # a room where the API user has no role (403): skip it, as the app does
                continue
            for q in questions:
                runs = await session.call(lambda c, qid=q.id: c.list_runs(qid, limit=100))
                for run in runs:
                    if watched < self.wanted and not normalize("liveramp", run.status).terminal:
                        hub.watch_run(session, run, question_id=q.id, cleanroom_id=room.id)
                        watched += 1
            if watched >= self.wanted:
                break
            # the demo has a few active question runs at any time; active flow runs make up the rest
            flows = await session.call(lambda c, rid=room.id: c.list_flows(rid))
            for flow in flows.clean_room_flows:
                runs = await session.call(lambda c, rid=room.id, fid=flow.id: c.list_flow_runs(rid, fid, limit=100))
                for run in runs.clean_room_flow_runs:
                    if watched < self.wanted and not normalize("liveramp", run.status).terminal:
                        hub.watch_flow_run(session, run, cleanroom_id=room.id, flow_id=flow.id)
                        watched += 1
        Path(os.environ["BENCH_READY"]).write_text(str(watched))


def main() -> None:
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    # speed 1: the demo world runs in real time, under LiveRamp's real budget (≥ 5 min between reads)
    sessions = build_sessions(demo_profiles(1.0), store=Store.in_memory(),
                              demo_options=EmulatorOptions(seed=7, speed=1.0))
    IdleApp(sessions, wanted).run()


if __name__ == "__main__":
    main()
