"""Input files: expanding paths, folders and globs into files, and reading their bytes as text.

Inputs are files, folders (recursive; hidden files and folders are skipped and counted) or
globs. ``.gz`` anywhere is decompressed. Bytes are decoded as UTF-8; a file that is not valid
UTF-8 is decoded as UTF-8 with replacement characters when most of its non-ASCII text is
valid UTF-8 (the replacements are counted), else with the encoding ``charset_normalizer``
detects. Text with NUL bytes or mostly control characters is not text.
"""

from __future__ import annotations

import glob
import gzip
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newscope.config import ConfigError

_GLOB_CHARS = re.compile(r"[*?\[]")


class IngestError(ConfigError):
    """Input that cannot be ingested: a path that does not exist, no files, no text column."""


def display_path(path: Path) -> str:
    """``path`` relative to the current directory when under it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def find_files(inputs: Sequence[str | Path]) -> tuple[list[tuple[Path, Path]], int]:
    """Expand inputs into ``(file, root)`` pairs in a stable order, plus the hidden files skipped.

    ``root`` is the folder a file was found under (its id hint is the path below it).
    A path that does not exist or a glob matching nothing raises :class:`IngestError`.
    """
    found: list[tuple[Path, Path]] = []
    hidden = 0

    def walk(folder: Path) -> None:
        nonlocal hidden
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if _hidden(path.relative_to(folder)):
                    hidden += 1
                else:
                    found.append((path, folder))

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    for item in inputs:
        text = str(item)
        if _GLOB_CHARS.search(text) and not Path(text).exists():
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise IngestError(f"corpus input {text!r} matches no file (check corpus.inputs in params.yaml)")
            for match in matches:
                path = Path(match)
                if path.is_dir():
                    walk(path)
                else:
                    found.append((path, path.parent))
        else:
            path = Path(text)
            if path.is_dir():
                walk(path)
            elif path.exists() or path.is_symlink():
                found.append((path, path.parent))
            else:
                raise IngestError(f"corpus input {text!r} does not exist (check corpus.inputs in params.yaml)")
    seen: set[Path] = set()
    unique = []
    for path, root in found:
        key = Path(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            unique.append((path, root))
    return unique, hidden


def gzipped(name: str) -> bool:
    """True for a file name ending in ``.gz`` (any case): its bytes are decompressed."""
    return name.lower().endswith(".gz")


def base_name(name: str) -> str:
    """A file name without its ``.gz``: the name its format is read from."""
    return name[:-3] if gzipped(name) else name


def id_hint(path: Path, root: Path) -> str:
    """The article id of a whole-file record without one: its path under ``root``, ``__``-joined."""
    rel = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    stem = Path(base_name(rel.name)).stem
    return "__".join([*rel.parent.parts, stem])


def read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when its name ends in ``.gz``."""
    if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or device would block or never end
        raise OSError(f"not a regular file: {path}")
    data = path.read_bytes()
    if gzipped(path.name):
        data = gzip.decompress(data)
    return data


@dataclass
class Decoded:
    """Text decoded from bytes (None when not text, with the ``problem``)."""

    text: str | None
    replacements: int = 0
    encoding: str = "utf-8"
    problem: str = ""


def decode_bytes(data: bytes) -> Decoded:
    """Bytes -> text: UTF-8 (BOM aware), else UTF-8 with counted replacements, else detected."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                     (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(enc), encoding=enc)
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:65536]:
        return Decoded(None, problem="binary content (NUL bytes)")
    try:
        text, decoded = data.decode("utf-8"), Decoded(None)
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
        valid_non_ascii = sum(1 for c in text if c > "\x7f") - bad
        if valid_non_ascii >= bad:
            decoded = Decoded(None, replacements=bad)
        else:
            from charset_normalizer import from_bytes

            best = from_bytes(data[:1_000_000]).best()
            if best is None:
                decoded = Decoded(None, replacements=bad)
            else:
                text = data.decode(best.encoding, errors="replace")
                decoded = Decoded(None, replacements=text.count("\ufffd"), encoding=best.encoding)
    sample = text[:65536]
    controls = sum(1 for c in sample if c < " " and c not in "\n\r\t\f\v")
    if sample and controls > 0.1 * len(sample):
        return Decoded(None, problem="binary content (control characters)")
    decoded.text = text
    return decoded
