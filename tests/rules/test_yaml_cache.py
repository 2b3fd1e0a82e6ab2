"""Parsed rule data is kept by content: the same bytes are parsed once, anything else is parsed again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.errors import RulebookError
from rules import _yaml
from rules._yaml import CACHE_DIR_ENV, cache_dir, read_yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text PyYAML is asked to parse, in order."""
    seen: list[str] = []
    real = yaml.load

    def counting(stream: Any, Loader: Any) -> Any:  # noqa: N803 - PyYAML's own keyword
        seen.append(stream)
        return real(stream, Loader=Loader)

    monkeypatch.setattr(yaml, "load", counting)
    return seen


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_same_bytes_are_parsed_once(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    source = _write(tmp_path / "a.yaml", "weights: {plan: '0.4', draft: 0.6}\nlist: [1, true, null, 科目]\n")
    first = read_yaml(source)
    second = read_yaml(source)
    assert first == second == {"weights": {"plan": "0.4", "draft": 0.6}, "list": [1, True, None, "科目"]}
    assert len(parses) == 1
    assert len(list(cache.glob("yaml-*.json"))) == 1
    # Each read is a value of its own: a caller that changes it changes nothing kept.
    second["weights"]["plan"] = "changed"
    assert read_yaml(source)["weights"]["plan"] == "0.4"


def test_a_changed_file_is_parsed_again(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    source = _write(tmp_path / "a.yaml", "coefficient: '0.95'\n")
    assert read_yaml(source) == {"coefficient": "0.95"}
    _write(source, "coefficient: '0.90'\n")
    assert read_yaml(source) == {"coefficient": "0.90"}
    assert len(parses) == 2


def test_a_mistake_fails_loudly_even_after_the_file_was_kept(tmp_path: Path, cache: Path) -> None:
    source = _write(tmp_path / "a.yaml", "a: 1\nb: 2\n")
    assert read_yaml(source) == {"a": 1, "b": 2}
    _write(source, "a: 1\na: 2\n")
    with pytest.raises(RulebookError, match="duplicate key 'a'"):
        read_yaml(source)
    assert len(list(cache.glob("yaml-*.json"))) == 1  # nothing kept for the bad text


def test_dates_stay_text_from_the_cache_too(tmp_path: Path, cache: Path) -> None:
    source = _write(tmp_path / "a.yaml", "from: 2026-01-01\n")
    assert read_yaml(source) == read_yaml(source) == {"from": "2026-01-01"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("n: .nan\n", None),
        ("{1: one, 2: two}\n", {1: "one", 2: "two"}),
        ("big: 123456789012345678901\n", None),
    ],
    ids=["not-a-number", "keys-that-are-not-text", "integer-beyond-64-bits"],
)
def test_what_json_cannot_give_back_is_parsed_every_time(
    tmp_path: Path, cache: Path, parses: list[str], text: str, value: Any
) -> None:
    source = _write(tmp_path / "a.yaml", text)
    first, second = read_yaml(source), read_yaml(source)
    if value is not None:
        assert first == second == value
    else:
        assert str(first) == str(second)
    assert len(parses) == 2
    assert not list(cache.glob("yaml-*.json"))


def test_a_damaged_entry_is_passed_over(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    source = _write(tmp_path / "a.yaml", "a: [1, 2]\n")
    read_yaml(source)
    (entry,) = cache.glob("yaml-*.json")
    entry.write_bytes(b'{"a": [1, 2')  # cut short
    assert read_yaml(source) == {"a": [1, 2]}
    assert entry.read_bytes() == b'{"a":[1,2]}'  # written whole again


def test_an_empty_setting_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, "")
    assert cache_dir() is None
    source = _write(tmp_path / "a.yaml", "a: 1\n")
    assert read_yaml(source) == read_yaml(source) == {"a": 1}
    assert len(parses) == 2


def test_a_cache_that_cannot_be_written_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    blocker = _write(tmp_path / "not-a-directory", "")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    source = _write(tmp_path / "a.yaml", "a: 1\n")
    assert read_yaml(source) == read_yaml(source) == {"a": 1}
    assert len(parses) == 2


def test_the_default_directory_is_the_users_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "kaoping"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "kaoping"


def test_the_shipped_rules_decide_the_same_from_the_cache(tmp_path: Path) -> None:
    """Two fresh processes, the first filling the cache and the second reading it: the same decision."""
    example = ROOT / "examples" / "QB-2024-007.case.json"
    env = {**os.environ, CACHE_DIR_ENV: str(tmp_path / "cache")}
    command = [sys.executable, "-m", "api.cli", "evaluate", str(example)]
    runs = [subprocess.run(command, capture_output=True, check=True, cwd=ROOT, env=env) for _ in range(2)]
    assert len(list((tmp_path / "cache").glob("yaml-*.json"))) > 10
    assert runs[0].stdout == runs[1].stdout
    assert b'"rule_version"' in runs[0].stdout


def test_a_changed_reader_parses_again(
    tmp_path: Path, cache: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries are named by the reader too: a new loader (or PyYAML) never reads an older one's result."""
    source = _write(tmp_path / "a.yaml", "a: 1\n")
    read_yaml(source)
    monkeypatch.setattr(_yaml, "_reader", lambda: b"a reader that parses differently")
    assert read_yaml(source) == {"a": 1}
    assert len(parses) == 2
    assert len(list(cache.glob("yaml-*.json"))) == 2


def test_a_node_named_many_times_is_not_written_out(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    """Aliases repeat one node; JSON would write it each time, so such a file is parsed every time."""
    big = "字" * 20_000
    source = _write(tmp_path / "a.yaml", f"a: &s {big}\nb: [{', '.join(['*s'] * 500)}]\n")
    value = read_yaml(source)
    assert value["b"][499] == big
    assert read_yaml(source)["b"][0] == big
    assert len(parses) == 2
    assert not list(cache.glob("yaml-*.json"))


def test_a_shared_note_is_kept(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    """A handful of aliases, as rules/memos.yaml has, costs little written out: the file is kept."""
    source = _write(tmp_path / "a.yaml", "a: &note 脚注标记\nb: *note\nc: [*note, *note]\n")
    assert read_yaml(source) == read_yaml(source) == {"a": "脚注标记", "b": "脚注标记", "c": ["脚注标记"] * 2}
    assert len(parses) == 1


def test_a_yaml_error_names_the_file_where_it_is(tmp_path: Path, cache: Path) -> None:
    source = _write(tmp_path / "a.yaml", "a: 1\nb: [\n")
    with pytest.raises(RulebookError, match=rf'in "{source}", line 3'):
        read_yaml(source)
