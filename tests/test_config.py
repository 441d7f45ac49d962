"""Packet configuration: the shipped defaults, overrides from files and Python, and errors."""

from __future__ import annotations

import json
import tomllib
from datetime import date, time
from pathlib import Path

import pytest
from pydantic import ValidationError

from okpay_triage import Config, ConfigError, TriageError, bundled_tree_ids, load_config
from okpay_triage.config import LocalText, shipped_config_path

ROOT = Path(__file__).parents[1]


def write(tmp_path: Path, text: str, name: str = "okpay.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- defaults


def test_shipped_file_equals_the_python_defaults() -> None:
    """trees/_config.yaml and Config() say the same thing."""
    assert load_config() == Config()
    # Installed or in a checkout, the shipped file is the repository's trees/_config.yaml.
    shipped = shipped_config_path().read_bytes()
    assert shipped == (ROOT / "trees" / "_config.yaml").read_bytes()


def test_shipped_file_ships_but_is_not_a_tree() -> None:
    """The leading underscore keeps it out of the tree ids; the wheel includes trees/."""
    assert "_config" not in bundled_tree_ids()
    assert all(not tree.startswith("_") for tree in bundled_tree_ids())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["trees"] == "okpay_triage/trees"


def test_defaults_invent_nothing() -> None:
    """Example hours, hedged reply times, and no contact address, number or URL at all."""
    config = Config()
    assert config.timezone == "Asia/Shanghai"
    assert config.working_days == ("mon", "tue", "wed", "thu", "fri")
    assert (config.opens, config.closes) == (time(9, 0), time(18, 0))
    assert config.holidays == ()
    for name in ("chat", "phone", "email", "in_app"):
        channel = config.channels.get(name)
        assert channel.enabled
        assert channel.contact is None
        assert not channel.always_open
    email, in_app = config.channels.email.response_time, config.channels.in_app.response_time
    assert email is not None
    assert in_app is not None
    assert email.en.startswith("usually within 24 hours")
    assert in_app.en == "usually within 24 hours"
    assert "24 小时" in email.zh
    assert "通常" in in_app.zh
    assert config.hours_are_example
    assert config.workdays == ()
    # Complaints per outcome: fee-dispute's appeals, not its questions (o_fee_unclear).
    assert config.complaint_trees == (
        "fee-dispute:o_fee_differs_from_quote",
        "fee-dispute:o_fee_against_policy",
    )


# --------------------------------------------------------------------------- overriding


def test_file_overrides_merge_over_the_defaults(tmp_path: Path) -> None:
    """A file names only what differs; nested mappings merge, lists replace."""
    path = write(
        tmp_path,
        "timezone: Europe/London\n"
        'opens: "08:30"\n'
        "holidays: [2025-12-25, 2025-12-26]\n"
        "channels:\n"
        "  email:\n"
        "    contact: support@okpay.example\n"
        "  chat:\n"
        "    always_open: yes\n",
    )
    config = load_config(path)
    assert config.timezone == "Europe/London"
    assert config.opens == time(8, 30)
    assert config.closes == time(18, 0)  # default kept
    assert config.holidays == (date(2025, 12, 25), date(2025, 12, 26))
    assert config.channels.email.contact == "support@okpay.example"
    assert config.channels.email.response_time == Config().channels.email.response_time
    assert config.channels.chat.always_open is True


def test_json_file_and_overrides(tmp_path: Path) -> None:
    """JSON works too; `overrides` apply last."""
    path = write(tmp_path, json.dumps({"working_days": ["mon", "tue"]}), "okpay.json")
    config = load_config(path, overrides={"case_prefix": "ACME"})
    assert config.working_days == ("mon", "tue")
    assert config.case_prefix == "ACME"


def test_empty_file_is_the_defaults(tmp_path: Path) -> None:
    """An empty or comment-only file changes nothing."""
    assert load_config(write(tmp_path, "")) == Config()
    assert load_config(write(tmp_path, "# nothing yet\n")) == Config()


def test_null_contact_is_none(tmp_path: Path) -> None:
    """YAML's null spellings leave a contact unset rather than showing 'null'."""
    path = write(tmp_path, "channels:\n  phone:\n    contact: null\n  chat:\n    contact: ~\n")
    config = load_config(path)
    assert config.channels.phone.contact is None
    assert config.channels.chat.contact is None


def test_python_overrides_are_validated() -> None:
    """Config(...) and model_copy(update=...) both validate; nested updates merge."""
    config = Config.model_validate({"holidays": ["2025-10-01"], "working_days": ["fri", "mon"]})
    assert config.holidays == (date(2025, 10, 1),)
    assert config.working_days == ("mon", "fri")
    copied = config.model_copy(update={"channels": {"phone": {"contact": "+86 400 000 0000"}}})
    assert copied.channels.phone.contact == "+86 400 000 0000"
    assert copied.channels.email == config.channels.email
    assert copied.holidays == config.holidays
    assert config.model_copy() == config
    with pytest.raises(ValidationError, match="time zone"):
        config.model_copy(update={"timezone": "Mars/Olympus"})
    with pytest.raises(ValidationError):
        Config(opens=time(18, 0), closes=time(9, 0))


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"timezone": "Nowhere/Else"}, "unknown IANA time zone"),
        ({"opens": "18:00", "closes": "09:00"}, "opens must be earlier"),
        ({"working_days": []}, "at least 1"),
        ({"working_days": ["mon", "mon"]}, "listed twice"),
        ({"working_days": ["monday"]}, "mon"),
        ({"channels": {"email": {"contact": "not an address"}}}, "plain address"),
        ({"channels": {"chat": {"contact": "https://x.example\r\nBcc: a@b.c"}}}, "one line"),
        (
            {
                "channels": {
                    name: {"enabled": False} for name in ("chat", "phone", "email", "in_app")
                }
            },
            "at least one contact channel",
        ),
        ({"case_prefix": "okp"}, "pattern"),
        ({"complaint_trees": ["Fee Dispute"]}, "pattern"),
    ],
)
def test_invalid_settings(update: dict[str, object], message: str) -> None:
    """Every bad setting is refused with a message that names it."""
    with pytest.raises(ConfigError, match=message):
        load_config(overrides=update)


def test_local_text_picks_language() -> None:
    """LocalText.get: zh or English."""
    words = LocalText(en="hello", zh="你好")
    assert (words.get("zh"), words.get("en")) == ("你好", "hello")


# --------------------------------------------------------------------------- file errors


def test_unknown_key_is_reported_with_position(tmp_path: Path) -> None:
    """A typo is an error at its line and column, with a suggestion."""
    path = write(tmp_path, "timezone: Asia/Shanghai\nchannels:\n  emial:\n    enabled: false\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert isinstance(error, TriageError)
    assert isinstance(error, ValueError)
    [problem] = error.problems
    assert (problem.code, problem.line, problem.column) == ("unknown-field", 3, 3)
    assert "did you mean 'email'?" in problem.message
    assert str(error).startswith(f"{path}:3:3: unknown-field: channels.emial")


def test_bad_value_is_reported_with_position(tmp_path: Path) -> None:
    """A bad value points at the value."""
    path = write(tmp_path, "timezone: Asia/Shanghai\nholidays: [2025-13-01]\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [problem] = caught.value.problems
    assert problem.code == "invalid-value"
    assert (problem.line, problem.column) == (2, 12)
    assert "holidays.0" in problem.message


def test_our_own_messages_read_plainly(tmp_path: Path) -> None:
    """A message from our validators is shown without pydantic's "Value error," prefix."""
    path = write(tmp_path, "timezone: Mars/Olympus\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).endswith(
        "invalid-value: timezone: unknown IANA time zone 'Mars/Olympus' (e.g. Asia/Shanghai)"
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("timezone: !!python/object/apply:os.system [ls]\n", "tag-forbidden"),
        ("a: &x 1\nb: *x\n", "anchor-forbidden"),
        ("timezone: a\ntimezone: b\n", "duplicate-key"),
        ("---\na: 1\n---\nb: 2\n", "multiple-documents"),
        ("- a\n- b\n", "not-a-mapping"),
        ("timezone: [\n", "yaml-syntax"),
    ],
)
def test_unsafe_or_broken_files(tmp_path: Path, text: str, code: str) -> None:
    """Config files are read as untrusted input, like tree files."""
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert caught.value.problems[0].code == code


def test_missing_and_oversized_files(tmp_path: Path) -> None:
    """A missing file, or one over the size limit, is a clear ConfigError."""
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path / "absent.yaml")
    big = write(tmp_path, "# " + "x" * 300_000 + "\n")
    with pytest.raises(ConfigError, match="over the limit"):
        load_config(big)
