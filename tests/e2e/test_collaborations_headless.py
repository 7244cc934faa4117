"""``cleanroom-tui collaborations`` and ``collaborations create`` over real HTTP (issue 20.4): the
list, the checks before sending, ``--yes``, read-only refusal, the body valid against the vendor's
playbook, and a lost answer settled by listing (never a second POST, never a duplicate)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import profile_file
from tui.cli import main
from tui.emulator import EmulatorOptions, ManualClock
from tui.emulator.server import served

ROOT = Path(__file__).resolve().parents[2]
SPECS = Path(os.environ.get("CLEANROOM_VENDOR_SPECS") or ROOT.parent / "shared" / "reference" / "vendor-specs")
PLAYBOOK = SPECS / "infosum-Collaborations.yml"


@pytest.fixture(scope="module")
def emu():
    with served(EmulatorOptions(seed=7, clock=ManualClock())) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _config(emu, tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANROOM_TUI_CONFIG", str(profile_file(tmp_path / "config.toml", emu.base_url)))
    monkeypatch.setenv("CLEANROOM_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CLEANROOM_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HL_IS_KEY", "demo-key")
    emu.app.state.chaos.clear()


def _partners(emu) -> tuple[str, str]:
    world = emu.infosum
    return world.company_by_name("Contoso Media").id, world.company_by_name("Tailspin Travel").id


def _request_errors(body: dict) -> list[str]:
    if not PLAYBOOK.is_file():
        return []
    import yaml
    from openapi_schema_validator import OAS30Validator

    spec = yaml.safe_load(PLAYBOOK.read_text())
    op = spec["paths"]["/api/v2/collaborations"]["post"]
    schema = {**op["requestBody"]["content"]["application/json"]["schema"], "components": spec["components"]}
    return [e.message for e in OAS30Validator(schema).iter_errors(body)]


def test_list_and_create_with_yes(emu, capsys):
    assert main(["collaborations", "--profile", "emu-is", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {c["id"] for c in listed} == {c.id for c in emu.infosum.collaborations.values()
                                         if c.is_member(emu.infosum.company_by_name("Northwind Retail").id)}
    contoso, tailspin = _partners(emu)
    argv = ["collaborations", "create", "--profile", "emu-is", "--name", "Headless pilot", "--description", "e2e",
            "--member", f"{contoso}:operator,contributor", "--member", f"{tailspin}:logs", "--my-rights",
            "operator,detailed_logs", "--json"]
    assert main(argv) == 2  # no terminal to ask and no --yes: nothing sent
    assert "confirm with --yes" in capsys.readouterr().err
    assert main([*argv, "--yes"]) == 0
    out, err = capsys.readouterr()
    made = json.loads(out)
    collab = emu.infosum.collaborations[made["collaboration_id"]]
    assert collab.name == "Headless pilot" and set(collab.members) == {contoso, tailspin}
    assert collab.members[tailspin].detailed_logs and not collab.members[tailspin].operator
    assert collab.owner_rights.operator and not collab.owner_rights.contributor
    assert "members cannot be added later" in err and "POST /api/v2/collaborations" in err
    assert _request_errors(made["request"]) == [] and made["recovered"] is False


def test_checks_before_sending_and_read_only(emu, capsys):
    before = set(emu.infosum.collaborations)
    own = emu.infosum.company_by_name("Northwind Retail").id
    contoso, _ = _partners(emu)
    for member, said in (("CMP bad:operator", "not a company id"), (own, "your own company"),
                         (f"{contoso}:admin", "unknown right")):
        code = main(["collaborations", "create", "--profile", "emu-is", "--name", "X", "--member", member, "--yes"])
        assert code == 2 and said in capsys.readouterr().err
    assert main(["collaborations", "create", "--profile", "emu-is", "--name", "X", "--yes"]) == 2
    assert "at least one partner" in capsys.readouterr().err
    assert main(["collaborations", "create", "--profile", "emu-is", "--readonly", "--name", "X", "--member", contoso,
                 "--yes"]) == 2
    assert "read-only" in capsys.readouterr().err
    assert set(emu.infosum.collaborations) == before


@pytest.mark.parametrize("fault", ["drop-after", "drop-before", "500"])
def test_a_lost_answer_is_settled_by_listing_never_sent_twice(emu, capsys, fault):
    world, chaos = emu.infosum, emu.app.state.chaos
    before = set(world.collaborations)
    contoso, _ = _partners(emu)
    chaos.set(f"POST /api/v2/collaborations={fault}")
    code = main(["collaborations", "create", "--profile", "emu-is", "--name", f"Drill {fault}", "--member", contoso,
                 "--yes", "--json"])
    out, err = capsys.readouterr()
    assert chaos.count(fault) == 1, "sent exactly once"
    made = [c for cid, c in world.collaborations.items() if cid not in before]
    if fault == "drop-after":  # it was created: found by listing, reported as such, not created again
        assert code == 0 and len(made) == 1
        answer = json.loads(out)
        assert answer["recovered"] is True and answer["collaboration_id"] == made[0].id
    else:
        assert code == 3 and made == [] and "Traceback" not in err
