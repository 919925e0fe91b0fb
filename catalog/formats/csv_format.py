"""CSV bytes → Table: encoding detection (UTF-8 with/without BOM, CP932), delimiter check.

A file that is not clean in one encoding is refused with the lines at fault, rather than read
with replacement characters: a mojibake name would be stored and shown to families.
"""

from __future__ import annotations

import csv
import io

from catalog.formats.table import Table, clean_header
from catalog.validation import ValidationReport

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SHOWN_LINES = 5


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _bad_bytes(line: bytes, encoding: str) -> tuple[int, str, str]:
    """Where `encoding` first fails: 1-based byte position, the bytes ('0x82 0xFF'), the text before."""
    try:
        line.decode(encoding)
    except UnicodeDecodeError as exc:
        shown = " ".join(f"0x{b:02X}" for b in line[exc.start : exc.start + 2])
        before = line[: exc.start].decode(encoding, errors="replace")[-12:]
        return exc.start + 1, shown, before
    return 0, "", ""


def _rows(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:_SHOWN_LINES])
    return shown + (" …" if len(lines) > _SHOWN_LINES else "")


def decode(data: bytes, report: ValidationReport) -> tuple[str, str] | None:
    """(text, encoding name) or None with bad_encoding errors that say which lines are at fault.

    Line numbers are physical lines of the file; they equal spreadsheet rows unless a quoted
    cell spans several lines.
    """
    if data.startswith(UTF8_BOM):
        body = data[len(UTF8_BOM) :]
        if _decodes(body, "utf-8"):
            return body.decode("utf-8"), "utf-8-sig"
        return _explain(body, report, bom=True)
    if data.startswith(UTF16_BOMS):
        report.error(
            "bad_encoding",
            "UTF-16 のファイルです。「CSV UTF-8」か「CSV（コンマ区切り）」で保存し直してください",
            "the file is UTF-16; save it as 'CSV UTF-8' or 'CSV (comma delimited)'",
        )
        return None
    if _decodes(data, "utf-8"):
        return data.decode("utf-8"), "utf-8"
    if _decodes(data, "cp932"):
        return data.decode("cp932"), "cp932"
    return _explain(data, report, bom=False)


def _explain(data: bytes, report: ValidationReport, *, bom: bool) -> None:
    """Say why neither encoding reads the whole file: mixed lines, or bytes no encoding reads."""
    utf8_only: list[int] = []
    cp932_only: list[int] = []
    neither: list[int] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        in_utf8 = _decodes(line, "utf-8")
        in_cp932 = not bom and _decodes(line, "cp932")
        if in_utf8 and not in_cp932:
            utf8_only.append(number)
        elif in_cp932 and not in_utf8:
            cp932_only.append(number)
        elif not in_utf8 and not in_cp932:
            neither.append(number)
    if utf8_only and cp932_only:
        minority, name = (cp932_only, "CP932 (Shift_JIS)") if len(cp932_only) <= len(utf8_only) else (utf8_only, "UTF-8")
        report.error(
            "mixed_encoding",
            f"文字コードが混在しています。{_rows(minority)} 行目だけ {name} です。1つの文字コードで保存し直してください",
            f"mixed encodings: line(s) {_rows(minority)} are {name}, the rest is not; save the file in one encoding",
            row=minority[0],
        )
    likely = "utf-8" if bom or len(utf8_only) >= len(cp932_only) else "cp932"
    for number in neither[:_SHOWN_LINES]:
        line = data.split(b"\n")[number - 1]
        position, shown, before = _bad_bytes(line, likely)
        report.error(
            "bad_encoding",
            f"{number} 行目の {position} バイト目 ({shown}) を {likely.upper()} として読めません"
            f"（壊れた文字。「{before}」の直後）",
            f"line {number}: byte {position} ({shown}) is not valid {likely.upper()} (broken character after '{before}')",
            row=number,
        )
    if len(neither) > _SHOWN_LINES:
        report.error(
            "bad_encoding",
            f"ほかにも {len(neither) - _SHOWN_LINES} 行に読めない文字があります",
            f"{len(neither) - _SHOWN_LINES} more line(s) have unreadable bytes",
        )
    return None


def _check_delimiter(first_line: str, report: ValidationReport) -> bool:
    if "," in first_line:
        return True
    for sep, ja, en in (("\t", "タブ", "tab"), (";", "セミコロン", "semicolon"), ("；", "全角セミコロン", "full-width semicolon"), ("、", "読点（、）", "ideographic comma")):
        if first_line.count(sep) >= 2:
            report.error(
                "wrong_delimiter",
                f"区切り文字が{ja}のようです。カンマ区切り（CSV）で保存してください",
                f"the file seems to be {en}-separated; save it comma-separated (CSV)",
                row=1,
            )
            return False
    return True


def read_csv_table(data: bytes, report: ValidationReport) -> Table | None:
    """Bytes of a CSV file → Table, or None with errors in the report."""
    if not data.strip(b" \t\r\n" + UTF8_BOM):
        report.error("empty_file", "ファイルが空です", "the file is empty")
        return None
    decoded = decode(data, report)
    if decoded is None:
        return None
    text, encoding = decoded
    report.info["encoding"] = encoding
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    if not _check_delimiter(first_line, report):
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if header is None:
                if not any(c.strip() for c in cells):
                    continue  # blank lines above the header
                header = clean_header(cells)
                continue
            rows.append((number, cells))
    except csv.Error as exc:
        code = "cell_too_long" if "field larger" in str(exc) else "bad_csv"
        report.error(
            code,
            f"{reader.line_num} 行目付近で CSV を読めません: {exc}",
            f"cannot read the CSV near line {reader.line_num}: {exc}",
            row=reader.line_num,
        )
        return None
    if header is None:
        report.error("empty_file", "ファイルが空です", "the file is empty")
        return None
    return Table(header, rows)
