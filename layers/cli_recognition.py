"""Recognition support cases on the command line: `recognition add|witness|step|statement|list|show`.

python -m layers recognition add --name "Nguyễn Văn A" --birth-year 1950 --province "Quảng Trị" --as qt.tinh
python -m layers recognition witness CASE_ID --name "Trần Văn C" --statement-file loi-ke.txt --as qt.tinh
python -m layers recognition step CASE_ID sent_commune --on 2026-12-01 --note "gửi UBND xã" --as qt.tinh
python -m layers recognition statement WITNESS_ID --out xac-nhan.pdf --as qt.tinh
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from layers.access import Viewer
from layers.chapters import find_chapter
from layers.cli_options import database, day, write_file
from layers.errors import LayersError
from layers.exporters.statement import PAPER, statement_pdf
from layers.importers.errors import UnreadableFile
from layers.importers.limits import TEXT, check_file
from layers.recognition import (
    CASE_WORKFLOW,
    add_case,
    add_witness,
    case_list,
    case_summary,
    take_case_step,
)
from layers.store import Store

# Options of `recognition add` and the case fields they fill.
CASE_OPTIONS = (
    ("--name", "person_name", "họ tên người hy sinh"),
    ("--birth-year", "birth_year", "năm sinh"),
    ("--hometown", "hometown", "quê quán"),
    ("--unit", "unit", "đơn vị"),
    ("--death-date", "death_date", "ngày hy sinh, như được kể"),
    ("--death-year", "death_year", "năm hy sinh"),
    ("--death-place", "death_place", "nơi hy sinh"),
    ("--circumstances", "circumstances", "hoàn cảnh hy sinh"),
    ("--province", "province_34", "tỉnh nộp hồ sơ: mã (VN-25) hoặc tên"),
    ("--applicant", "applicant_name", "thân nhân đề nghị"),
    ("--applicant-phone", "applicant_phone", "điện thoại thân nhân"),
    ("--applicant-relation", "applicant_relation", "quan hệ của thân nhân với người hy sinh"),
    ("--notes", "notes", "ghi chú"),
)
WITNESS_OPTIONS = (
    ("--name", "name", "họ tên nhân chứng"),
    ("--birth-year", "birth_year", "năm sinh"),
    ("--phone", "phone", "điện thoại"),
    ("--address", "address", "địa chỉ"),
    ("--relation", "relation", "quan hệ với người hy sinh"),
    ("--served-with", "served_with", "cùng đơn vị, thời gian"),
    ("--signed-on", "signed_on", "ngày ký (YYYY-MM-DD)"),
)
STATEMENT_BYTES = 4 * TEXT  # a statement file: at most the longest text a field takes, in UTF-8


def _dest(option: str) -> str:
    return "v_" + option.lstrip("-").replace("-", "_")


def _values(args: argparse.Namespace, options: tuple) -> dict[str, str]:
    return {
        name: getattr(args, _dest(option)) for option, name, _ in options if getattr(args, _dest(option)) is not None
    }


def read_text(name: str) -> str:
    """A text file's words: its size checked before it is read, UTF-8 (with or without BOM)."""
    path = Path(name)
    try:
        size = path.stat().st_size
        check_file(size)
        if size > STATEMENT_BYTES:
            raise UnreadableFile(f"Tệp «{path.name[:80]}» quá dài cho một lời xác nhận (tối đa {TEXT} ký tự).")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"Không mở được tệp «{path.name[:80]}» ({exc.strerror}).") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            f"Tệp «{path.name[:80]}» không phải văn bản UTF-8; hãy lưu lại dạng UTF-8 (Notepad: Lưu thành… → UTF-8)."
        ) from None


def _add(args: argparse.Namespace, store: Store, viewer: Viewer) -> str:
    values = _values(args, CASE_OPTIONS)
    if args.chapter:
        chapter = find_chapter(store, args.chapter)
        if chapter is None:
            raise LayersError(f"Không có Hội «{args.chapter[:60]}».")
        values["chapter_id"] = chapter
    return add_case(store, values, viewer, report_ids=args.report or (), site_ids=args.site or ()) + "\n"


def _witness(args: argparse.Namespace, store: Store, viewer: Viewer) -> str:
    values = _values(args, WITNESS_OPTIONS)
    if args.statement is not None and args.statement_file is not None:
        raise LayersError("Chỉ dùng một trong hai: --statement hoặc --statement-file.")
    statement = read_text(args.statement_file) if args.statement_file is not None else args.statement
    if statement is not None:
        values["statement"] = statement
    return add_witness(store, args.case_id, values, viewer) + "\n"


def _step(args: argparse.Namespace, store: Store, viewer: Viewer) -> str:
    return f"{take_case_step(store, args.case_id, args.target, viewer, on=args.on, note=args.note)}\n"


def _statement(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    data = statement_pdf(store, args.witness_id, viewer, args.lang)
    target = write_file(args.out, PAPER.file_name(args.witness_id), data)
    return {"file": str(target), "bytes": len(data)}


ACTIONS: dict[str, Callable] = {
    "add": _add,
    "witness": _witness,
    "step": _step,
    "statement": _statement,
    "list": lambda a, s, v: case_list(s, v),
    "show": lambda a, s, v: case_summary(s, a.case_id, v),
}


def _recognition(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict | list | str:
    return ACTIONS[args.action](args, store, viewer)


COMMANDS: dict[str, Callable] = {"recognition": _recognition}


def _options(cmd: argparse.ArgumentParser, options: tuple) -> None:
    for option, _name, text in options:
        cmd.add_argument(option, dest=_dest(option), help=text)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""
    recognition = sub.add_parser(
        "recognition", help="hồ sơ đề nghị công nhận liệt sĩ: thêm, nhân chứng, bước, bản xác nhận"
    )
    actions = recognition.add_subparsers(dest="action", required=True, parser_class=type(recognition))
    add = actions.add_parser("add", help="thêm hồ sơ; in ra mã hồ sơ")
    _options(add, CASE_OPTIONS)
    add.add_argument("--chapter", help="Hội hỗ trợ: mã, tên hội hoặc tên tỉnh (mặc định: Hội của tài khoản)")
    add.add_argument("--report", action="append", metavar="ID", help="tin báo về cùng người (lặp lại được)")
    add.add_argument("--site", action="append", metavar="ID", help="điểm mộ về cùng người (lặp lại được)")
    witness = actions.add_parser("witness", help="thêm nhân chứng xác nhận cho hồ sơ; in ra mã nhân chứng")
    witness.add_argument("case_id")
    _options(witness, WITNESS_OPTIONS)
    witness.add_argument("--statement", help="lời xác nhận")
    witness.add_argument("--statement-file", metavar="FILE", help="lời xác nhận trong tệp văn bản UTF-8")
    step = actions.add_parser("step", help="chuyển hồ sơ sang bước tiếp theo; in ra phiên bản mới")
    step.add_argument("case_id")
    step.add_argument("target", choices=[t.code for t in CASE_WORKFLOW.terms()])
    step.add_argument("--on", type=day, help="ngày của bước, YYYY-MM-DD (mặc định: hôm nay)")
    step.add_argument("--note", help="ghi chú của bước (bị trả lại: lý do)")
    statement = actions.add_parser("statement", help="bản xác nhận của nhân chứng (PDF, chữ lớn)")
    statement.add_argument("witness_id")
    statement.add_argument("--out", required=True, help="tệp PDF hoặc thư mục")
    statement.add_argument("--lang", choices=["vi", "en"], default="vi")
    actions.add_parser("list", help="các hồ sơ xem được (JSON)")
    show = actions.add_parser("show", help="một hồ sơ: nhân chứng, các bước, liên kết (JSON)")
    show.add_argument("case_id")
    for cmd in (add, witness, step, statement, actions.choices["list"], show):
        database(cmd)
