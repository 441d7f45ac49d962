"""Untrusted files are read safely: regular files only, a cap on every read, numbers that
Python cannot convert reported with a position (BAD_INPUTS items 37 and 38)."""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okpay_triage import ConfigError, TreeError, load_config, load_tree
from okpay_triage.files import FileRefused, read_capped
from okpay_triage.tree.load import parse_tree
from okpay_triage.tree.parse import MAX_DIGITS


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "tree.yaml"
    os.mkfifo(path)
    return path


class TestNonRegularFiles:
    def test_fifo_tree_is_refused_without_blocking(self, fifo: Path) -> None:
        """A FIFO named as a tree is refused at once (a read would wait for a writer forever)."""
        with pytest.raises(TreeError) as caught:
            load_tree(fifo)
        assert caught.value.problems[0].code == "unreadable-file"
        assert "not a regular file" in caught.value.problems[0].message

    def test_dev_zero_is_refused_unread(self) -> None:
        """``/dev/zero`` never ends: it is refused for what it is, not read to a cap."""
        with pytest.raises(FileRefused, match="not a regular file"):
            read_capped("/dev/zero", 1 << 30)

    def test_folder_is_refused(self, tmp_path: Path) -> None:
        """A folder given as a file says so."""
        with pytest.raises(FileRefused, match="folder"):
            read_capped(tmp_path, 100)

    def test_fifo_config_is_refused(self, fifo: Path) -> None:
        """A FIFO as a configuration file is a ConfigError, not a hang."""
        with pytest.raises(ConfigError):
            load_config(fifo)


class TestCap:
    @given(size=st.integers(0, 300), cap=st.integers(1, 300))
    def test_reads_at_most_the_cap(
        self, tmp_path_factory: pytest.TempPathFactory, size: int, cap: int
    ) -> None:
        """A file is read whole when it fits and refused as too large when it does not."""
        path = tmp_path_factory.mktemp("cap") / "f"
        path.write_bytes(b"x" * size)
        if size <= cap:
            assert read_capped(path, cap) == b"x" * size
        else:
            with pytest.raises(FileRefused) as caught:
                read_capped(path, cap)
            assert caught.value.too_large


class TestLongNumbers:
    @given(
        digits=st.integers(MAX_DIGITS + 1, 6000),
        sign=st.sampled_from(["", "-"]),
        indent=st.text(alphabet=" \n", max_size=5),
    )
    def test_json_integer_past_the_limit_is_placed(
        self, digits: int, sign: str, indent: str
    ) -> None:
        """An integer with too many digits (past Python's 4,300 too) is a problem at its place."""
        number = sign + "9" * digits
        text = '{"id": "t",' + indent + '"version": ' + number + "}"
        result = parse_tree(text, "t.json", json_format=True)
        [problem] = result.problems
        assert problem.code == "number-too-long"
        offset = text.index(number)
        assert problem.line == text.count("\n", 0, offset) + 1
        assert problem.column == offset - (text.rfind("\n", 0, offset) + 1) + 1

    @given(
        digits=st.text(alphabet=string.digits, min_size=1, max_size=MAX_DIGITS).filter(
            lambda d: d[0] != "0" or d == "0"
        )
    )
    def test_ordinary_integers_still_parse(self, digits: str) -> None:
        """Numbers of ordinary length are read as before (the schema judges their values)."""
        result = parse_tree('{"id": ' + digits + "}", "t.json", json_format=True)
        assert all(p.code != "number-too-long" for p in result.problems)

    def test_config_json_with_a_huge_integer(self, tmp_path: Path) -> None:
        """A configuration file gets the same placed error."""
        path = tmp_path / "okpay.json"
        path.write_text('{"case_prefix": ' + "9" * 5000 + "}", encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        assert caught.value.problems[0].code == "number-too-long"
        assert (caught.value.problems[0].line, caught.value.problems[0].column) == (1, 17)
