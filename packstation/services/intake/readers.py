"""Reading marketplace CSV files as they really are, one record at a time.

Called by the format readers (``taobao``, ``generic``, ``products``).  A file is decoded as UTF-8
(with or without BOM) when every byte of it is valid UTF-8, as UTF-16 when it starts with a
UTF-16 byte-order mark (Excel's "Unicode text"), otherwise as GB18030 (a superset of GBK, which
Excel and the seller centre write in China).  Cells are separated by commas, or by tabs when the
header has more tabs than commas (Excel's text files).  Records are streamed.  The encoding scan
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

from packstation.i18n import N_, _
from packstation.os_problems import os_problem
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
    """``utf-8-sig``, ``utf-8``, ``utf-16`` or ``gb18030``; refuses empty and binary files."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise FileRefused(
            file_problem(
                path,
                _("The file cannot be opened ({reason}); check the path.").format(
                    reason=os_problem(exc)
                ),
            )
        ) from None
    with handle:
        head = handle.read(_SCAN_CHUNK)
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        blank = b" \t\r\n\xef\xbb\xbf" + (b"\x00\xff\xfe" if utf16 else b"")
        if not head.strip(blank):
            raise FileRefused(
                file_problem(path, _("The file is empty; export it again from the seller centre."))
            )
        if utf16:
            return _scan(path, handle, head, "utf-16")
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


def _scan(path: Path, handle: IO[bytes], head: bytes, known: str = "") -> str:
    """Read the whole file once, in large chunks: is it UTF-8, and is any line too long?
    ``known``: the encoding told by a byte-order mark (UTF-16, where a newline is two bytes and
    other characters may hold a newline's byte: its lines are measured decoded, in bytes as
    UTF-16 writes them)."""
    bom = head.startswith(codecs.BOM_UTF8)
    decoder: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder(known or "utf-8")()
    carry = 0  # length of the unfinished line so far
    line = 1
    chunk = head
    while chunk:
        if known:
            assert decoder is not None
            text = _decoded(path, decoder, chunk)
            parts = [part.encode("utf-16-le") for part in text.split("\n")]
        else:
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
    if known:
        assert decoder is not None
        _decoded(path, decoder, b"", final=True)  # a character cut off at the end
        return known
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            # UTF-8 to its last bytes, which begin a character: cut short, not GBK (read as
            # GBK it was said to mix encodings)
            raise FileRefused(
                file_problem(
                    path,
                    _(
                        "The file ends in the middle of a character: it was cut short; export it again."
                    ),
                    row=line,
                )
            ) from None
    if decoder is None:
        return "gb18030"
    return "utf-8-sig" if bom else "utf-8"


def _decoded(
    path: Path, decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool = False
) -> str:
    """A chunk of a file whose encoding its byte-order mark told (UTF-16)."""
    try:
        return decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        raise FileRefused(
            file_problem(path, _("The file is damaged UTF-16 text; export or save it again."))
        ) from None


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
    delimiter: str = ","

    @property
    def name(self) -> str:
        return self.path.name

    def records(self, *, progress: ProgressFn | None = None) -> Iterator[tuple[int, list[str]]]:
        """The file's records from its header on (see ``records``)."""
        return records(self.path, self.encoding, progress=progress, delimiter=self.delimiter)


def open_csv(path: Path) -> CsvFile:
    """The file's encoding, separator and cleaned header (the first non-blank record)."""
    encoding = sniff_encoding(path)
    delimiter = _delimiter(path, encoding)
    for _row, cells in records(path, encoding, delimiter=delimiter):
        return CsvFile(path, encoding, clean_header(cells), path.stat().st_size, delimiter)
    raise FileRefused(
        file_problem(path, _("The file is empty; export it again from the seller centre."))
    )


def _delimiter(path: Path, encoding: str) -> str:
    """A tab when the first non-blank line has more tabs than commas (a text file from Excel),
    else a comma."""
    with path.open(encoding=encoding, errors="replace", newline="") as text:
        for line in text:
            if line.strip():
                return "\t" if line.count("\t") > line.count(",") else ","
    return ","


# what the csv module's complaints mean, in the user's language (it speaks English only)
_CSV_REASONS = (
    ("expected after", N_("a quote closes a cell but something else follows it")),
    ("unexpected end of data", N_("a quoted cell is never closed")),
    ("new-line character seen", N_("a line break inside a cell without quotes")),
    ("line contains nul", N_("it contains a NUL character")),
)


def _csv_reason(exc: csv.Error) -> str:
    said = str(exc).lower()
    return next((_(reason) for words, reason in _CSV_REASONS if words in said), str(exc))


def undecodable_line(path: Path, encoding: str) -> tuple[int, bool] | None:
    """The first line of the file that does not decode (counted from 1), and whether its bad
    bytes run to the end of the file: a file cut inside a character.  A file read as GBK
    because a line is not UTF-8, while its first lines are, is a UTF-8 file with that line in
    another encoding: that line is named.  None for UTF-16, whose lines are not split on
    bytes."""
    if encoding.lower().startswith("utf-16"):
        return None
    data = path.read_bytes()
    lines = data.splitlines(keepends=True)
    end = len(data.rstrip(b"\r\n"))

    def first_bad(codec: str) -> tuple[int, bool] | None:
        start = 0
        for number, line in enumerate(lines, start=1):
            try:
                line.decode(codec)
            except UnicodeDecodeError as exc:
                return number, start + exc.end >= end
            start += len(line)
        return None

    if encoding == "gb18030":
        not_utf8 = first_bad("utf-8-sig")
        if not_utf8 is not None and not_utf8[0] > 1:
            return not_utf8
    return first_bad(encoding) or (1, False)


def records(
    path: Path,
    encoding: str,
    *,
    progress: ProgressFn | None = None,
    every: int = 5000,
    delimiter: str = ",",
) -> Iterator[tuple[int, list[str]]]:
    """``(row, cells)`` for each non-blank record; the header is row 1 when it is the first line.

    Lines were measured by ``sniff_encoding``; a cell spanning many lines is bounded by the csv
    module's field limit.
    """
    counting = _CountingReader(path.open("rb"))
    text = io.TextIOWrapper(io.BufferedReader(counting, 1 << 16), encoding=encoding, newline="")
    row = width = 0
    # the last record read and its number of cells, checked at the end (counted before it is
    # yielded: a reader pads a short row in place with the cells its columns need)
    last: tuple[int, int] | None = None
    try:
        reader = csv.reader(text, strict=True, delimiter=delimiter)
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
                        ).format(row=row + 1, reason=_csv_reason(exc)),
                        row=row + 1,
                    )
                ) from None
            except UnicodeDecodeError as exc:
                # decoded ahead in blocks: the rows read so far say nothing of where it is
                found = undecodable_line(path, encoding)
                if found is not None:
                    row = found[0] - 1
                cut = exc.reason in ("incomplete multibyte sequence", "unexpected end of data")
                if found[1] if found is not None else cut:
                    # the file ends inside a character: cut short, not of two encodings
                    raise FileRefused(
                        file_problem(
                            path,
                            _(
                                "The file ends in the middle of a character: it was cut short; "
                                "export it again."
                            ),
                            row=row + 1,
                        )
                    ) from None
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
            if last is None:
                width = len(cells)  # the header's
            last = (row, len(cells))
            yield row, cells
        # a file cut short: its last row lost its last cells, which read as empty ones
        # (refused once the row was read: an import is checked whole before storing)
        if (
            last is not None
            and last[0] > 1
            and last[1] < width
            and not _ends_a_line(path, encoding)
        ):
            raise FileRefused(
                file_problem(
                    path,
                    _(
                        "Row {row}, the last, stops before the last column and no line "
                        "break follows it: the file was cut short; export it again."
                    ).format(row=last[0]),
                    row=last[0],
                )
            )
        if progress is not None:
            progress(counting.count)
    finally:
        text.close()


def _ends_a_line(path: Path, encoding: str) -> bool:
    """Does the file end with a line break (as every exported file does)?"""
    with path.open("rb") as raw:
        head = raw.read(2)
        raw.seek(max(0, path.stat().st_size - 2))
        tail = raw.read(2)
    if encoding.lower().replace("_", "-").startswith("utf-16"):
        # the last code unit, read in the byte order the byte-order mark gives
        last = (head + tail).decode("utf-16", errors="replace")[-1:]
    else:
        last = chr(tail[-1]) if tail else ""
    return last in ("\n", "\r")
