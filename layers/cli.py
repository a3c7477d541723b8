"""`python -m layers`: the same jobs as the app, without the UI. JSON on stdout."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from geo.datums import DATUMS
from geo.output import write_json
from layers import (
    cli_bulletin,
    cli_commend,
    cli_files,
    cli_paperwork,
    cli_plan,
    cli_progress,
    cli_recognition,
    cli_results,
    cli_stories,
)
from layers.access import ROLES, Right, Viewer, check_export, check_report_body, operator
from layers.campaign import PERIODS, Period, custom_period, vietnam_today
from layers.chapters import add_chapter, chapter_list, find_chapter
from layers.cli_options import database as _database
from layers.cli_options import day as _day
from layers.cli_options import write_file as _write_file
from layers.config import database_url
from layers.corroboration import suggestions
from layers.criteria import add_flags
from layers.errors import LayersError
from layers.exporters.audience import AUDIENCES
from layers.exporters.campaign_report import WHOLE, report_of, report_pdf, report_xlsx
from layers.exporters.campaign_report import filename as report_filename
from layers.exporters.formats import FORMATS, ExportOptions, export
from layers.exporters.schema_doc import render_markdown
from layers.exporters.selection import EXPORTABLE, layer_names, select
from layers.failures import log_failure
from layers.importers.errors import UnreadableFile
from layers.importers.limits import check_file
from layers.importers.reports import import_reports, rejected_csv
from layers.importers.trips import DEFAULT_SWEEP_M, import_trips, read_track
from layers.imports import list_imports, withdraw_import
from layers.migrate import migrate_to
from layers.places import admin_filter
from layers.query import YEAR_MAX, YEAR_MIN, FilterSpec
from layers.records import add_report, edit_report, read_json
from layers.referrals import ACCEPTED, RETURNED, accept_referral, return_referral
from layers.schema import REPORTS, STORED_LAYERS
from layers.seed import DEFAULT_DEMO_REPORTS, DEFAULT_DEMO_SEED, load_demo, seed_reference
from layers.sites import link, reject, unlink
from layers.stats import stats
from layers.store import Store, database_error
from layers.trips import add_trip, edit_trip, record_outcome
from layers.users import (
    add_user,
    check_password,
    disable_user,
    find_user,
    has_admin,
    list_users,
    set_password,
    viewer_of,
)
from layers.work import work_items
from layers.workflow import StepInput, take_step

# Commands kept in modules of their own: each has add_parsers(sub) and COMMANDS {name: run}.
EXTENSIONS = (
    cli_bulletin,
    cli_commend,
    cli_files,
    cli_paperwork,
    cli_plan,
    cli_progress,
    cli_recognition,
    cli_results,
    cli_stories,
)
_ARGPARSE_WORDS = (  # argparse's own English messages, said in Vietnamese
    (re.compile(r"^argument ([^:]+): invalid choice: '([^']*)' \(choose from (.*)\)$"), r"\1: không có «\2»; chọn: \3"),
    (re.compile(r"^argument ([^:]+): invalid \S+ value: '([^']*)'$"), r"\1: giá trị «\2» không hợp lệ"),
    (re.compile(r"^argument ([^:]+): expected one argument$"), r"\1: thiếu giá trị"),
    (re.compile(r"^the following arguments are required: (.*)$"), r"thiếu tham số: \1"),
    (re.compile(r"^unrecognized arguments: (.*)$"), r"tham số không nhận ra: \1"),
    (re.compile(r"^argument ([^:]+): (.*)$"), r"\1: \2"),
)


def _in_vietnamese(message: str) -> str:
    """argparse's message in Vietnamese.

    >>> _in_vietnamese("argument --format: invalid choice: 'docx' (choose from gpx, kml)")
    '--format: không có «docx»; chọn: gpx, kml'
    >>> _in_vietnamese("the following arguments are required: --out")
    'thiếu tham số: --out'
    """
    for pattern, words in _ARGPARSE_WORDS:
        if pattern.match(message):
            return pattern.sub(words, message)
    return message


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as every other error
        raise LayersError(f"Lệnh không hợp lệ: {_in_vietnamese(message)}")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("phải là số nguyên dương")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m layers", description="Bản đồ Đi tìm đồng đội: dữ liệu")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, text in (
        ("init", "tạo/cập nhật cơ sở dữ liệu và nạp lớp tham chiếu"),
        ("demo", "tạo dữ liệu mẫu (thay dữ liệu mẫu cũ)"),
        ("stats", "thống kê số bản ghi"),
    ):
        cmd = sub.add_parser(name, help=text)
        _database(cmd)
        if name == "demo":
            cmd.add_argument("--reports", type=_positive, default=DEFAULT_DEMO_REPORTS)
            cmd.add_argument("--seed", type=int, default=DEFAULT_DEMO_SEED)
    importer = sub.add_parser("import", help="nhập tin báo (CSV, XLSX, GeoJSON, KML/KMZ) hoặc chuyến đi (GPX, KML)")
    importer.add_argument("layer", choices=["reports", "trips"])
    importer.add_argument("file")
    importer.add_argument("--chapter", help="Hội tiếp nhận: mã, tên hội hoặc tên tỉnh")
    importer.add_argument("--datum", choices=sorted(DATUMS), help="hệ quy chiếu của tọa độ không ghi rõ")
    importer.add_argument("--sheet", help="trang tính (XLSX)")
    importer.add_argument("--team", help="đội tìm kiếm (chuyến đi)")
    importer.add_argument("--sweep-width", type=float, default=DEFAULT_SWEEP_M, help="bề rộng dò tìm mỗi bên, m")
    importer.add_argument(
        "--fix-datum", action="store_true", help="đọc lại tọa độ các dòng đã nhập trước đây theo --datum của lần này"
    )
    _database(importer)
    chapters = sub.add_parser("chapters", help="danh sách các Hội; «chapters add TÊN --province TỈNH» thêm Hội cơ sở")
    chapters.add_argument("action", nargs="?", choices=["list", "add"], default="list")
    chapters.add_argument("name", nargs="?", help="tên Hội cơ sở (với add)")
    chapters.add_argument("--province", help="tỉnh của Hội cơ sở (với add)")
    _database(chapters)
    exporter = sub.add_parser("export", help="xuất một lớp (hoặc tất cả) theo bộ lọc")
    exporter.add_argument("layer", choices=["all", *EXPORTABLE])
    exporter.add_argument("--format", required=True, choices=list(FORMATS))
    exporter.add_argument("--out", required=True, help="tệp, hoặc thư mục để dùng tên tệp tự đặt")
    exporter.add_argument(
        "--audience", choices=list(AUDIENCES), default="partner", help="partner: không có thông tin nhân chứng"
    )
    exporter.add_argument("--lang", choices=["vi", "en"], default="vi", help="ngôn ngữ nhãn và tiêu đề cột")
    exporter.add_argument("--ascii", action="store_true", help="GPX: tên không dấu cho máy GPS đời cũ")
    add_flags(exporter)
    _database(exporter)
    report = sub.add_parser("report", help="báo cáo chiến dịch của một Hội hoặc toàn Hội (XLSX, PDF)")
    report.add_argument("--chapter", required=True, help="tên Hội, tỉnh, hoặc all (toàn Hội)")
    report.add_argument("--period", choices=[p.key for p in PERIODS], help="6m, 1y, final: các kỳ của chiến dịch")
    report.add_argument("--from", dest="start", type=_day, help="ngày đầu, YYYY-MM-DD")
    report.add_argument("--to", dest="end", type=_day, help="ngày cuối, YYYY-MM-DD")
    report.add_argument("--format", required=True, choices=["xlsx", "pdf"])
    report.add_argument("--out", required=True, help="tệp, hoặc thư mục để dùng tên tệp tự đặt")
    report.add_argument("--lang", choices=["vi", "en"], default="vi")
    _database(report)
    user = sub.add_parser("user", help="tài khoản: add, list, passwd, disable")
    user.add_argument("action", choices=["add", "list", "passwd", "disable"])
    user.add_argument("username", nargs="?", help="tên đăng nhập")
    user.add_argument("--role", choices=list(ROLES), help="vai trò (với add)")
    user.add_argument("--chapter", help="Hội của tài khoản: mã, tên hội hoặc tên tỉnh (với add)")
    user.add_argument("--name", help="họ tên hiển thị (với add)")
    user.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ một dòng của stdin")
    _database(user)
    past = sub.add_parser("history", help="lịch sử của một bản ghi (JSON)")
    past.add_argument("record_id", metavar="ID")
    _database(past)
    record = sub.add_parser("record", help="một bản ghi: đổi trạng thái tin báo, xóa (mềm), khôi phục, xóa hẳn")
    actions = record.add_subparsers(dest="action", required=True, parser_class=_Parser)
    for name, text in (("delete", "xóa mềm"), ("restore", "khôi phục (quản trị)"), ("purge", "xóa hẳn (quản trị)")):
        one = actions.add_parser(name, help=text)
        one.add_argument("layer", choices=[layer.name for layer in STORED_LAYERS])
        one.add_argument("record_id", metavar="ID")
        if name == "delete":
            one.add_argument("--version", type=_positive, help="phiên bản đang xem")
        one.add_argument("--reason", required=True, help="lý do (ghi vào lịch sử)")
        _database(one)
    add = actions.add_parser("add", help='thêm một tin báo từ tệp JSON {"tên trường": giá trị}')
    add.add_argument("layer", choices=["reports"])
    add.add_argument("--json", required=True, dest="json_file", help="tệp JSON của tin báo")
    _database(add)
    edit = actions.add_parser("edit", help="sửa các trường của một tin báo")
    edit.add_argument("layer", choices=["reports"])
    edit.add_argument("record_id", metavar="ID")
    edit.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="trường và giá trị mới")
    edit.add_argument("--version", type=_positive, help="phiên bản đang xem (mặc định: phiên bản hiện tại)")
    _database(edit)
    status = actions.add_parser("status", help="chuyển tin báo sang bước tiếp theo của quy trình")
    status.add_argument("record_id", metavar="ID")
    status.add_argument("status", choices=list(REPORTS.field("status").codes()))
    status.add_argument("--note", help="ghi chú của bước (ghi vào lịch sử)")
    status.add_argument("--trip", help="mã chuyến tìm kiếm")
    status.add_argument("--remains", type=_positive, help="số hài cốt tìm thấy")
    status.add_argument("--duplicate-of", help="mã tin báo bị trùng")
    status.add_argument("--reference", help="căn cứ xác định danh tính (ADN, hồ sơ)")
    _database(status)
    referral = actions.add_parser("referral", help="Hội tỉnh nơi có điểm mộ nhận, hay trả lại, tin báo chuyển đến")
    referral.add_argument("record_id", metavar="ID")
    referral.add_argument("answer", choices=["accept", "return"])
    referral.add_argument("--reason", help="lý do (bắt buộc khi trả lại; ghi vào lịch sử)")
    _database(referral)
    work = sub.add_parser("work", help="việc cần làm của một người (JSON), việc gấp trước")
    _database(work)
    sites = sub.add_parser("sites", help="điểm mộ: các lời kể có thể cùng một điểm mộ")
    site_actions = sites.add_subparsers(dest="action", required=True, parser_class=_Parser)
    suggest = site_actions.add_parser("suggest", help="các cặp lời kể gần nhau và giống nhau (JSON, điểm từng yếu tố)")
    suggest.add_argument("--province", help="tên tỉnh mọi thời kỳ")
    _database(suggest)
    joined = site_actions.add_parser("link", help="nối các lời kể vào một điểm mộ (mới, hoặc --site); in mã điểm mộ")
    joined.add_argument("report_ids", metavar="REPORT_ID", nargs="+")
    joined.add_argument("--site", metavar="SITE_ID", help="điểm mộ có sẵn để nối vào")
    _database(joined)
    apart = site_actions.add_parser("unlink", help="tách một lời kể khỏi điểm mộ của nó; in mã điểm mộ mới")
    apart.add_argument("report_id", metavar="REPORT_ID")
    _database(apart)
    different = site_actions.add_parser("reject", help="hai lời kể là hai điểm mộ khác nhau: không gợi ý lại")
    different.add_argument("report_ids", metavar="REPORT_ID", nargs=2)
    _database(different)
    _trip_parsers(sub)
    _imports_parser(sub)
    move = sub.add_parser("migrate-to", help="chuyển mọi bản ghi và lịch sử sang cơ sở dữ liệu khác (PostgreSQL)")
    move.add_argument("target", metavar="URL")
    move.add_argument("--db", help="cơ sở dữ liệu nguồn (mặc định: BANDO_DB_URL, hoặc SQLite trong data/local/)")
    sub.add_parser("schema-doc", help="in tài liệu trường GeoJSON cho đối tác (Markdown)")
    for module in EXTENSIONS:
        module.add_parsers(sub)
    return parser


def _spec(args: argparse.Namespace) -> FilterSpec:
    """The command line's filters as the same FilterSpec the app builds."""
    years = (YEAR_MIN, YEAR_MAX)
    if args.period:
        parts = args.period.replace("–", "-").split("-")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            raise LayersError(f"--period phải có dạng 1965-1975, không phải «{args.period}».")
        years = (int(parts[0]), int(parts[1]))
        if not YEAR_MIN <= years[0] <= years[1] <= YEAR_MAX:
            raise LayersError(f"--period phải nằm trong {YEAR_MIN}-{YEAR_MAX} và năm đầu không sau năm cuối.")
    valid = set(REPORTS.field("status").codes())
    wrong = [s for s in args.status if s not in valid]
    if wrong:
        raise LayersError(f"Mã trạng thái không có: {', '.join(wrong)}; dùng: {', '.join(sorted(valid))}.")
    units = admin_filter(args.district, args.commune, args.province)
    spec = FilterSpec(
        place=args.province or "",
        districts=units.districts,
        communes=units.communes,
        communes_34=units.communes_34,
        units=tuple(args.unit),
        year_from=years[0],
        year_to=years[1],
        statuses=tuple(args.status),
    )
    spec.resolved_place()  # an unknown place is said now (geo.admin.UnknownPlace, one of LayersError)
    return spec


def _export(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    check_export(viewer, args.audience)
    selection = select(store, layer_names(args.layer), _spec(args), viewer)
    options = ExportOptions(audience=args.audience, lang=args.lang, ascii=args.ascii)
    result = export(selection, args.format, options)
    target = _write_file(args.out, result.filename, result.data)
    return {
        "layer": args.layer,
        "format": args.format,
        "audience": args.audience,
        "features": result.written,
        "out": str(target),
        "bytes": len(result.data),
    }


def _period(args: argparse.Namespace) -> Period:
    if args.period:
        if args.start or args.end:
            raise LayersError("Dùng --period hoặc --from/--to, không dùng cả hai.")
        return next(p for p in PERIODS if p.key == args.period)
    if not (args.start and args.end):
        raise LayersError("Cần --period (6m, 1y, final) hoặc cả --from và --to.")
    if args.start > args.end:
        raise LayersError("--from phải không sau --to.")
    return custom_period(args.start, args.end)


def _report(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    viewer.require(Right.CAMPAIGN_REPORTS, "lập báo cáo chiến dịch")
    period = _period(args)
    chapters = store.frame("chapters", viewer)
    chapter_id = None if args.chapter.strip().lower() in ("all", "toàn hội") else find_chapter(store, args.chapter)
    check_report_body(viewer, chapter_id)
    body = WHOLE[args.lang] if chapter_id is None else chapters.set_index("id").loc[chapter_id, "name"]
    report = report_of(store, viewer, body, chapter_id, period, vietnam_today())
    data = report_xlsx(report, args.lang) if args.format == "xlsx" else report_pdf(report, args.lang)
    target = _write_file(args.out, report_filename(report, args.format), data)
    return {
        "chapter": body,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "figures": report.figures.as_dict(),
        "previous": report.previous.as_dict() if report.previous else None,
        "out": str(target),
    }


def _import(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    path = Path(args.file)
    data = _read(args.file)
    chapter_id = find_chapter(store, args.chapter)
    if args.layer == "trips":
        trips = import_trips(
            store,
            path.name,
            data,
            chapter_id=chapter_id,
            team=args.team,
            sweep_width_m=args.sweep_width,
            author="command line",
            viewer=viewer,
        )
        return {**trips.summary(), "problems": trips.reasons, **_rejects_file(path, trips.rejected_rows)}
    result = import_reports(
        store,
        path.name,
        data,
        chapter_id=chapter_id,
        datum=args.datum,
        sheet=args.sheet,
        author="command line",
        fix_datum=args.fix_datum,
        viewer=viewer,
    )
    extra = {"sheet": result.sheet} if result.sheet else {}
    if result.datum_conflicts:
        extra.update(datum_conflicts=result.datum_conflicts, datum_fixed=result.datum_fixed)
    return {**result.summary(), **extra, "notes": result.notes, **_rejects_file(path, result.rejected_rows)}


def _rejects_file(path: Path, rows: list[dict]) -> dict:
    """Write the rejected rows beside the file (or in the current folder). The import has been
    committed by then: a file that cannot be written is said, not raised, since the rows are
    kept in the database all the same."""
    if not rows:
        return {"rejects_file": None}
    data = rejected_csv(rows)
    for target in (path.with_name(f"{path.stem}.rejected.csv"), Path.cwd() / f"{path.stem}.rejected.csv"):
        try:
            target.write_bytes(data)
        except OSError:
            continue
        return {"rejects_file": str(target)}
    return {
        "rejects_file": None,
        "rejects_error": "Đã nhập xong, nhưng không ghi được tệp các dòng bị loại (thư mục không cho ghi); "
        "các dòng bị loại vẫn được lưu trong cơ sở dữ liệu và tải về được trên trang Nhập dữ liệu.",
    }


def _chapters(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict | list:
    if args.action == "add":
        if not args.name or not args.province:
            raise LayersError("Cần tên Hội và tỉnh: python -m layers chapters add TÊN --province TỈNH.")
        return add_chapter(store, args.name, args.province, viewer)
    if args.name or args.province:
        raise LayersError("Liệt kê các Hội không nhận thêm tham số; để thêm: chapters add TÊN --province TỈNH.")
    return chapter_list(store)


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _password(args: argparse.Namespace) -> str:
    if not args.password_stdin:
        raise LayersError(
            "Mật khẩu được đọc từ stdin: thêm --password-stdin (không bao giờ ghi mật khẩu trên dòng lệnh)."
        )
    return check_password(sys.stdin.readline())


def _user(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict | list:
    if args.action == "list":
        return list_users(store, viewer)
    if not args.username:
        raise LayersError(f"Cần tên đăng nhập: python -m layers user {args.action} TÊN.")
    if args.action == "add":
        if not args.role:
            raise LayersError("Cần --role: " + ", ".join(ROLES) + ".")
        user = add_user(store, args.username, args.role, _password(args), viewer, args.chapter, args.name)
        return {"username": user.username, "role": user.role, "chapter_id": user.chapter_id}
    if args.action == "passwd":
        set_password(store, args.username, _password(args), viewer)
        return {"username": args.username, "password": "changed"}
    disable_user(store, args.username, viewer)
    return {"username": args.username, "disabled": True}


def _read(name: str) -> bytes:
    path = Path(name)
    try:
        size = path.stat().st_size
        check_file(size)  # the size first: nothing larger than an import is read
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"Không mở được tệp «{path.name}» ({exc.strerror}).") from None


def _assignment(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise LayersError(f"--set cần dạng TRƯỜNG=GIÁ_TRỊ, không phải «{text[:60]}».")
    return name.strip(), value


def _current_version(store: Store, record_id: str, viewer: Viewer) -> int:
    current = store.record("reports", record_id, viewer)
    if current is None:
        raise LayersError(f"Không có tin báo «{record_id[:60]}».")
    return int(current["version"])


def _record(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    if args.action == "referral":
        answer, code = (accept_referral, ACCEPTED) if args.answer == "accept" else (return_referral, RETURNED)
        return {"id": args.record_id, "referral": code, "version": answer(store, args.record_id, viewer, args.reason)}
    if args.action == "status":
        given = StepInput(args.note, args.trip, args.remains, args.reference, args.duplicate_of)
        version = take_step(store, args.record_id, args.status, viewer, given)
        return {"id": args.record_id, "status": args.status, "version": version}
    if args.action == "add":
        return {"id": add_report(store, read_json(_read(args.json_file)), viewer)}
    if args.action == "edit":
        changes = dict(_assignment(text) for text in args.set)
        if not changes:
            raise LayersError("Cần ít nhất một --set TRƯỜNG=GIÁ_TRỊ.")
        version = args.version or _current_version(store, args.record_id, viewer)
        return {"id": args.record_id, "version": edit_report(store, args.record_id, changes, version, viewer)}
    if args.action == "delete":
        if args.version is None:
            raise LayersError("Cần --version (phiên bản bạn đang xem) để xóa: không xóa bản ghi người khác vừa sửa.")
        version = store.delete(args.layer, args.record_id, viewer, args.version, args.reason)
    elif args.action == "restore":
        version = store.restore(args.layer, args.record_id, viewer, args.reason)
    else:
        store.purge(args.layer, args.record_id, viewer, args.reason)
        version = None
    return {"layer": args.layer, "id": args.record_id, "action": args.action, "version": version}


def _trip_parsers(sub: argparse._SubParsersAction) -> None:
    """`trip add|edit|outcome`: a search trip planned, changed, and its outcome recorded."""
    trip = sub.add_parser("trip", help="chuyến tìm kiếm: lên kế hoạch (add), sửa (edit), ghi kết quả (outcome)")
    actions = trip.add_subparsers(dest="action", required=True, parser_class=_Parser)
    plan = actions.add_parser("add", help="lên kế hoạch một chuyến; tin báo đã xác minh chuyển sang «Đã lên kế hoạch»")
    plan.add_argument("--team", help="đội tìm kiếm")
    plan.add_argument("--from", dest="date_from", type=_day, help="ngày đi, YYYY-MM-DD")
    plan.add_argument("--to", dest="date_to", type=_day, help="ngày về, YYYY-MM-DD")
    plan.add_argument("--name", help="tên chuyến")
    plan.add_argument("--chapter", help="Hội: mã, tên hội hoặc tên tỉnh (mặc định: Hội của tài khoản)")
    plan.add_argument("--report", action="append", default=[], metavar="ID", help="tin báo của chuyến (lặp lại được)")
    plan.add_argument("--track", help="tệp GPS của chuyến (GPX, KML, KMZ)")
    plan.add_argument("--json", dest="json_file", help='tệp JSON {"tên trường": giá trị} của chuyến')
    _database(plan)
    change = actions.add_parser("edit", help="sửa các trường của một chuyến")
    change.add_argument("trip_id", metavar="ID")
    change.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="trường và giá trị mới")
    change.add_argument("--track", help="tệp GPS của chuyến (GPX, KML, KMZ)")
    change.add_argument("--version", type=_positive, help="phiên bản đang xem (mặc định: phiên bản hiện tại)")
    _database(change)
    ended = actions.add_parser("outcome", help="ghi kết quả chuyến; các tin báo của chuyến chuyển theo quy trình")
    ended.add_argument("trip_id", metavar="ID")
    ended.add_argument("--outcome", required=True, help="nothing_found, remains_found, cancelled (hoặc tên tiếng Việt)")
    ended.add_argument("--remains", type=_positive, help="số hài cốt tìm thấy cả chuyến")
    ended.add_argument(
        "--report-remains", action="append", default=[], metavar="ID=N", help="số hài cốt tìm thấy ở một tin báo"
    )
    ended.add_argument("--handed-over", type=_positive, help="số hài cốt đã bàn giao")
    ended.add_argument("--handed-to", help="đơn vị nhận bàn giao")
    ended.add_argument("--handed-on", type=_day, help="ngày bàn giao, YYYY-MM-DD")
    ended.add_argument("--note", help="ghi chú (ghi vào lịch sử của chuyến và các tin báo)")
    ended.add_argument("--track", help="tệp GPS của chuyến (GPX, KML, KMZ)")
    ended.add_argument("--version", type=_positive, help="phiên bản đang xem (mặc định: phiên bản hiện tại)")
    _database(ended)


def _imports_parser(sub: argparse._SubParsersAction) -> None:
    """`imports list|undo`: the imports a person may withdraw, and withdrawing one whole."""
    imports = sub.add_parser("imports", help="các lần nhập (list); rút lại một lần nhập (undo IMPORT_ID)")
    imports.add_argument("action", choices=["list", "undo"])
    imports.add_argument("import_id", nargs="?", metavar="IMPORT_ID", help="mã lần nhập (với undo)")
    imports.add_argument("--reason", help="lý do rút lại (ghi vào lịch sử)")
    _database(imports)


def _track(name: str | None):
    return None if not name else read_track(Path(name).name, _read(name))


def _trip_version(store: Store, trip_id: str, viewer: Viewer) -> int:
    current = store.record("trips", trip_id, viewer)
    if current is None:
        raise LayersError(f"Không có chuyến tìm kiếm «{trip_id[:60]}».")
    return int(current["version"])


def _report_remains(texts: list[str]) -> dict[str, int]:
    found = {}
    for text in texts:
        record_id, _, count = text.partition("=")
        if not record_id.strip() or not count.strip().isdecimal() or not count.strip().isascii():
            raise LayersError(f"--report-remains cần dạng MÃ_TIN_BÁO=SỐ, không phải «{text[:60]}».")
        found[record_id.strip()] = int(count)
    return found


def _trip(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    if args.action == "add":
        values = read_json(_read(args.json_file)) if args.json_file else {}
        given = {"team": args.team, "date_from": args.date_from, "date_to": args.date_to, "name": args.name}
        values.update({k: v for k, v in given.items() if v is not None})
        if args.chapter:
            values["chapter_id"] = args.chapter
        if args.report:
            values["linked_report_ids"] = [*(values.get("linked_report_ids") or []), *args.report]
        return {"id": add_trip(store, values, viewer, _track(args.track))}
    version = args.version or _trip_version(store, args.trip_id, viewer)
    if args.action == "edit":
        changes = dict(_assignment(text) for text in args.set)
        if not changes and not args.track:
            raise LayersError("Cần ít nhất một --set TRƯỜNG=GIÁ_TRỊ hoặc --track TỆP.")
        version = edit_trip(store, args.trip_id, changes, version, viewer, _track(args.track))
        return {"id": args.trip_id, "version": version}
    version = record_outcome(
        store,
        args.trip_id,
        viewer,
        args.outcome,
        remains=args.remains,
        report_remains=_report_remains(args.report_remains),
        handed_over=args.handed_over,
        handed_over_to=args.handed_to,
        handed_over_on=args.handed_on,
        note=args.note,
        version=version,
        track=_track(args.track),
    )
    return {"id": args.trip_id, "outcome": store.record("trips", args.trip_id, viewer)["outcome"], "version": version}


def _imports(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict | list:
    if args.action == "list":
        return [entry.as_dict() for entry in list_imports(store, viewer)]
    if not args.import_id:
        raise LayersError("Cần mã lần nhập: python -m layers imports undo IMPORT_ID (xem: imports list).")
    return withdraw_import(store, args.import_id, viewer, args.reason)


def _viewer(args: argparse.Namespace, store: Store) -> Viewer:
    """The person the command acts as: --as USERNAME, else the server's operator."""
    if not getattr(args, "as_user", None):
        return operator()
    user = find_user(store, args.as_user)
    if user is None or user.disabled:
        raise LayersError(f"Không có tài khoản «{args.as_user[:50]}» đang hoạt động.")
    return viewer_of(store, user)


def _init(args: argparse.Namespace, store: Store) -> dict:
    added = seed_reference(store)
    if not has_admin(store):
        print(FIRST_ADMIN, file=sys.stderr)
    return {"database": _safe_url(database_url(args.db)), "revision": store.revision(), "added": added}


FIRST_ADMIN = (
    "Chưa có tài khoản quản trị. Tạo tài khoản đầu tiên bằng:\n"
    "  python -m layers user add TÊN --role admin --password-stdin\n"
    "(gõ mật khẩu rồi Enter; tài khoản mẫu của dữ liệu mẫu không phải tài khoản thật)."
)


def _sites(args: argparse.Namespace, store: Store, viewer: Viewer) -> list | str | dict:
    if args.action == "suggest":
        return suggestions(store, viewer, args.province)
    if args.action == "link":
        return link(store, args.report_ids, viewer, args.site) + "\n"
    if args.action == "unlink":
        return unlink(store, args.report_id, viewer) + "\n"
    reject(store, *args.report_ids, viewer)
    return {"rejected": args.report_ids}


def run(argv: Sequence[str]) -> dict | str | list:
    args = _parser().parse_args(argv)
    if args.command == "schema-doc":
        return render_markdown()
    if args.command == "migrate-to":
        return migrate_to(database_url(args.db), args.target)
    store = Store.open(args.db, must_exist=args.command != "init")
    viewer = _viewer(args, store)
    commands = {
        "chapters": _chapters,
        "export": _export,
        "report": _report,
        "import": _import,
        "user": _user,
        "record": _record,
        "trip": _trip,
        "imports": _imports,
        "history": lambda a, s, v: s.history(a.record_id, v),
        "stats": lambda a, s, v: stats(s, v),
        "work": lambda a, s, v: [item.as_dict() for item in work_items(s, v)],
        "sites": _sites,
    }
    for module in EXTENSIONS:
        commands.update(module.COMMANDS)
    if args.command in commands:
        return commands[args.command](args, store, viewer)
    viewer.require(Right.REFERENCE, "tạo lại cơ sở dữ liệu hay dữ liệu mẫu")
    if args.command == "init":
        return _init(args, store)
    seed_reference(store)
    return {"added": load_demo(store, args.reports, args.seed), "seed": args.seed}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        result = run(sys.argv[1:] if argv is None else argv)
    except LayersError as exc:  # a message may quote what was typed: no terminal codes reach the terminal
        said = "".join(ch if ch.isprintable() else " " for ch in str(exc))
        print(f"Lỗi: {said}", file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as exc:
        print(f"Lỗi: {database_error(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the user gets one line, never a traceback
        log_failure("command line", exc)
        print(f"Lỗi không mong đợi ({type(exc).__name__}).", file=sys.stderr)
        return 2
    return write_json(result)
