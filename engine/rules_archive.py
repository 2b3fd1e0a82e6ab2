"""The guard for a tree of rule data uploaded as a zip (a candidate for ``kaoping replay``).

The tree has the layout of ``rules/`` (``versions.yaml``, ``catalogue/``, ``parameters/`` ...). Before
the rulebook loader reads any of it, :func:`unpack_rules` makes sure that unpacking it cannot exhaust the
machine or write outside the directory given:

* the file, the number of entries, each entry's and all entries' inflated size are capped, judged first
  from the sizes the zip declares (the checks of :mod:`engine.office_file`, shared), and inflation is
  bounded by them;
* every name is a relative path of plain segments: no absolute path, drive, backslash, ``..`` or empty
  segment, not too deep, no symbolic link, no name twice;
* only the kinds of file the layout holds (YAML data, Markdown notes) are accepted;
* YAML aliases may not expand a file beyond a fixed number of nodes (the "billion laughs").

A tree zipped with its folder (``rules/versions.yaml``) is unpacked from inside that folder. Every
refusal is a :class:`RulesArchiveError`, worded by the ``replay.zip.*`` messages.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

import yaml

from engine.office_file import Limits, MiB, OfficeFileError, check_sizes, open_archive

RULES_ZIP_LIMITS = Limits(file_bytes=1 * MiB, part_bytes=1 * MiB, total_bytes=8 * MiB, parts=500)
"""Caps on a candidate tree: the shipped ``rules/`` zips to ~60 KB and inflates to ~250 KB."""
ALLOWED_SUFFIXES = (".yaml", ".yml", ".md")
MAX_DEPTH = 6
MAX_YAML_NODES = 200_000
"""Nodes a YAML file may hold once its aliases are expanded (the shipped files hold a few thousand)."""
_CHUNK = 64 * 1024


class RulesArchiveError(OfficeFileError):
    """A candidate rules archive kaoping refuses to unpack (message ids ``replay.zip.<key>``)."""

    messages = "replay.zip"


def _check_name(info: zipfile.ZipInfo, seen: set[str]) -> PurePosixPath | None:
    """The entry's relative path (``None`` for a directory), or a refusal naming it."""
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise RulesArchiveError("link", name=name)
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise RulesArchiveError("absolute", name=name)
    parts = name.rstrip("/").split("/")
    if any(part in {"", ".", ".."} for part in parts):
        raise RulesArchiveError("traversal", name=name)
    if len(parts) > MAX_DEPTH:
        raise RulesArchiveError("too_deep", name=name, limit=MAX_DEPTH)
    if name in seen:
        raise RulesArchiveError("duplicate", name=name)
    seen.add(name)
    if info.is_dir():
        return None
    path = PurePosixPath(*parts)
    if path.suffix.lower() not in ALLOWED_SUFFIXES:
        raise RulesArchiveError("kind", name=name, kinds=" ".join(ALLOWED_SUFFIXES))
    return path


def yaml_nodes(text: str, limit: int = MAX_YAML_NODES) -> int:
    """The nodes a YAML document holds with its aliases expanded, counted from its events (no objects).

    Raises:
        ValueError: past ``limit`` (counting stops there), or an alias of an unknown anchor.
        yaml.YAMLError: the text is not YAML.
    """
    sizes: dict[str, int] = {}
    stack: list[tuple[str | None, int]] = [(None, 0)]
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            stack.append((event.anchor, 0))
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, count = stack.pop()
            size = count + 1
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes:
                raise ValueError(f"alias of an unknown anchor {event.anchor}")
            anchor, size = None, sizes[event.anchor]
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        top, count = stack[-1]
        stack[-1] = (top, count + size)
        if stack[-1][1] > limit:
            raise ValueError(f"more than {limit} nodes")
    return stack[0][1]


def _check_yaml(name: str, data: bytes) -> None:
    try:
        yaml_nodes(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise RulesArchiveError("not_utf8", name=name) from None
    except ValueError:
        raise RulesArchiveError("yaml_expands", name=name, limit=MAX_YAML_NODES) from None
    except yaml.YAMLError:
        return  # the loader names the file and the slip with its own message


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    chunks: list[bytes] = []
    try:
        with archive.open(info) as part:
            while chunk := part.read(_CHUNK):
                chunks.append(chunk)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise RulesArchiveError("broken_part", part=info.filename) from exc
    return b"".join(chunks)


def _root(files: list[PurePosixPath]) -> PurePosixPath:
    """Where ``versions.yaml`` is: the archive's top, or the one folder everything is in."""
    if PurePosixPath("versions.yaml") in files:
        return PurePosixPath()
    tops = {path.parts[0] for path in files if len(path.parts) > 1}
    if len(tops) == 1 and all(len(path.parts) > 1 for path in files):
        top = PurePosixPath(tops.pop())
        if top / "versions.yaml" in files:
            return top
    raise RulesArchiveError("no_versions")


def unpack_rules(data: bytes, target: Path, limits: Limits = RULES_ZIP_LIMITS) -> Path:
    """Unpack a candidate rules tree into the empty directory ``target``; returns the tree's root.

    Raises:
        RulesArchiveError: the archive is refused (413 too large, else 422); nothing is written then.
    """
    try:
        archive = open_archive(data, limits)
    except OfficeFileError as exc:
        raise RulesArchiveError(exc.key, exc.status, **exc.values) from None
    with archive:
        infos = archive.infolist()
        try:
            check_sizes(infos, limits)
        except OfficeFileError as exc:
            raise RulesArchiveError(exc.key, exc.status, **exc.values) from None
        seen: set[str] = set()
        files = [(info, path) for info in infos if (path := _check_name(info, seen)) is not None]
        root = _root([path for _, path in files])
        contents = []
        for info, path in files:
            body = _read(archive, info)
            if path.suffix.lower() in {".yaml", ".yml"}:
                _check_yaml(info.filename, body)
            contents.append((path, body))
    for path, body in contents:
        destination = target.joinpath(*path.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(body)
    return target.joinpath(*root.parts)
