"""Reading marketplace CSV files as they really are, one record at a time.

Called by the format readers (``taobao``, ``generic``, ``products``).  A file is decoded as UTF-8
(with or without BOM) when every byte of it is valid UTF-8, otherwise as GB18030 (a superset of
GBK, which Excel and the seller centre write in China).  Records are streamed.  The encoding scan
also measures every line, so a line longer than ``MAX_LINE`` bytes is refused with its line number
before it is ever decoded; a quoted cell spanning many lines stops at the csv module's field
limit.  A 10 MB cell costs neither time nor memory.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from packstation.i18n import _
from packstation.services.intake.report import Problem

MAX_LINE = 262_144  # bytes in one physical line
_SCAN_CHUNK = 1 << 20
ProgressFn = Callable[[int], None]  # bytes read so far in the current file


class FileRefused(Exception):
    """A file that cannot be read at all (empty, binary, wrong encoding, not a CSV…)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.problem)
        self.problem = problem


def file_problem(path: Path, text: str, *, row: int | None = None, value: str = "") -> Problem:
    return Problem(file=path.name, row=row, column="", value=value, problem=text)


def sniff_encoding(path: Path) -> str:
    """``utf-8-sig``, ``utf-8`` or ``gb18030``; refuses empty, binary and UTF-16 files."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise FileRefused(
            file_problem(
                path,
                _("The file cannot be opened ({reason}); check the path.").format(
                    reason=exc.strerror
                ),
            )
        ) from None
    with handle:
        head = handle.read(_SCAN_CHUNK)
        if not head.strip(b" \t\r\n\xef\xbb\xbf"):
            raise FileRefused(
                file_problem(path, _("The file is empty; export it again from the seller centre."))
            )
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileRefused(
                file_problem(
                    path, _("The file is UTF-16 text; save it as UTF-8 or GBK CSV and try again.")
                )
            )
        if b"\x00" in head:
            raise FileRefused(
                file_problem(
                    path,
                    _(
                        "The file is not a CSV text file (it holds binary data; an .xlsx?); save it as CSV."
                    ),
                )
            )
        return _scan(path, handle, head)


def _scan(path: Path, handle: IO[bytes], head: bytes) -> str:
    """Read the whole file once, in large chunks: is it UTF-8, and is any line too long?"""
    bom = head.startswith(codecs.BOM_UTF8)
    decoder: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()
    carry = 0  # length of the unfinished line so far
    line = 1
    chunk = head
    while chunk:
        if decoder is not None:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                decoder = None
        parts = chunk.split(b"\n")
        lengths = [carry + len(parts[0]), *map(len, parts[1:])]
        if max(lengths[:-1], default=0) > MAX_LINE or lengths[-1] > MAX_LINE:
            at = line + next(i for i, n in enumerate(lengths) if n > MAX_LINE)
            raise FileRefused(
                file_problem(
                    path,
                    _(
                        "Line {line} is longer than {limit} bytes (a broken or foreign file?); "
                        "fix the line or export the file again."
                    ).format(line=at, limit=MAX_LINE),
                    row=at,
                )
            )
        line += len(parts) - 1
        carry = lengths[-1]
        chunk = handle.read(_SCAN_CHUNK)
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            decoder = None
    if decoder is None:
        return "gb18030"
    return "utf-8-sig" if bom else "utf-8"


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from a file, for the progress bar."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        self.count += n or 0
        return n or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def clean(cell: str) -> str:
    """A cell without the spreadsheet armour: ``="123"`` → ``123``, ``'138…`` → ``138…``."""
    if not cell:
        return cell
    first = cell[0]
    if first == "=" or first == "'" or first.isspace() or cell[-1].isspace():
        cell = cell.strip()
        if cell.startswith('="') and cell.endswith('"') and len(cell) >= 3:
            return cell[2:-1].strip()
        if cell.startswith("'"):
            return cell[1:].strip()
    return cell


def clean_header(cells: Sequence[str]) -> list[str]:
    return [clean(c.replace("\ufeff", "")) for c in cells]


@dataclass
class CsvFile:
    path: Path
    encoding: str
    header: list[str]
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def open_csv(path: Path) -> CsvFile:
    """The file's encoding and cleaned header (the first non-blank record)."""
    encoding = sniff_encoding(path)
    for _row, cells in records(path, encoding):
        return CsvFile(path, encoding, clean_header(cells), path.stat().st_size)
    raise FileRefused(
        file_problem(path, _("The file is empty; export it again from the seller centre."))
    )


def records(
    path: Path, encoding: str, *, progress: ProgressFn | None = None, every: int = 5000
) -> Iterator[tuple[int, list[str]]]:
    """``(row, cells)`` for each non-blank record; the header is row 1 when it is the first line.

    Lines were measured by ``sniff_encoding``; a cell spanning many lines is bounded by the csv
    module's field limit.
    """
    counting = _CountingReader(path.open("rb"))
    text = io.TextIOWrapper(io.BufferedReader(counting, 1 << 16), encoding=encoding, newline="")
    row = 0
    try:
        reader = csv.reader(text, strict=True)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                if "field larger" in str(exc):
                    raise FileRefused(
                        file_problem(
                            path,
                            _(
                                "Row {row} has a cell longer than {limit} characters (a broken "
                                "or foreign file?); fix the row or export the file again."
                            ).format(row=row + 1, limit=csv.field_size_limit()),
                            row=row + 1,
                        )
                    ) from None
                raise FileRefused(
                    file_problem(
                        path,
                        _(
                            "Row {row} is not valid CSV ({reason}); the file may be truncated or "
                            "damaged — export it again."
                        ).format(row=row + 1, reason=exc),
                        row=row + 1,
                    )
                ) from None
            except UnicodeDecodeError:
                raise FileRefused(
                    file_problem(
                        path,
                        _(
                            "The file mixes text encodings (bytes that are neither UTF-8 nor GBK); "
                            "export it again or save it as UTF-8."
                        ),
                        row=row + 1,
                    )
                ) from None
            row += 1
            if not cells or not any(cells):
                continue
            if progress is not None and row % every == 0:
                progress(counting.count)
            yield row, cells
        if progress is not None:
            progress(counting.count)
    finally:
        text.close()
