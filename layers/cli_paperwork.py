"""The site dossier and the hand-over record on the command line: `dossier`, `handover`.

    python -m layers dossier SITE_ID --out FILE.pdf [--lang vi|en] [--without-contacts] --as USER
    python -m layers handover SITE_ID [SITE_ID …] --to "UNIT" --out FILE.pdf [--on YYYY-MM-DD]
        [--note TEXT] [--with-contacts] [--lang vi|en] --as USER

`handover` checks everything first, makes the PDF, writes it, then records the hand-over on
every site in one transaction; when recording is refused the file written is removed again, so
there is never a record without its hand-over or a hand-over without its record.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from layers import handover
from layers.access import Viewer
from layers.campaign import vietnam_today
from layers.cli_options import database, day, write_file
from layers.exporters.dossier import dossier_file, record_printing
from layers.exporters.dossier import filename as dossier_filename
from layers.exporters.handover_record import filename as handover_filename
from layers.exporters.handover_record import handover_pdf
from layers.store import Store


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add this module's commands to the command line (parser_class is the command line's own)."""
    cmd = sub.add_parser("dossier", help="in hồ sơ một điểm mộ (PDF)")
    cmd.add_argument("site_id", metavar="SITE_ID")
    cmd.add_argument("--out", required=True, help="tệp PDF hoặc thư mục")
    cmd.add_argument("--lang", choices=["vi", "en"], default="vi")
    cmd.add_argument(
        "--without-contacts",
        action="store_true",
        help="bản không có thông tin liên hệ nhân chứng (để chuyển cho đối tác)",
    )
    database(cmd)
    cmd = sub.add_parser("handover", help="ghi nhận bàn giao thông tin điểm mộ và in biên bản (PDF)")
    cmd.add_argument("site_ids", metavar="SITE_ID", nargs="+")
    cmd.add_argument("--to", dest="to_unit", required=True, metavar="UNIT", help="đơn vị nhận bàn giao")
    cmd.add_argument("--out", required=True, help="tệp PDF hoặc thư mục")
    cmd.add_argument("--on", type=day, help="ngày bàn giao YYYY-MM-DD (mặc định: hôm nay)")
    cmd.add_argument("--note", help="ghi chú của biên bản")
    cmd.add_argument("--lang", choices=["vi", "en"], default="vi")
    cmd.add_argument(
        "--with-contacts",
        action="store_true",
        help="kèm liên hệ nhân chứng mà bạn được xem (mặc định: không, vì biên bản ra ngoài Hội)",
    )
    database(cmd)


def _dossier(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    contacts = not args.without_contacts
    data, dossier = dossier_file(store, args.site_id, viewer, args.lang, vietnam_today(), contacts=contacts)
    target = write_file(args.out, dossier_filename(dossier.site, dossier.with_contacts), data)
    record_printing(store, [dossier], viewer)
    return {"site": str(dossier.site["id"]), "contacts": dossier.with_contacts, "out": str(target)}


def _handover(args: argparse.Namespace, store: Store, viewer: Viewer) -> dict:
    asked = handover.request(args.site_ids, args.to_unit, viewer, args.on, args.note)
    handover.check(store, asked, viewer)
    data = handover_pdf(
        store,
        list(asked.site_ids),
        asked.to_unit,
        viewer,
        args.lang,
        vietnam_today(),
        on=asked.on,
        note=asked.note,
        contacts=args.with_contacts,
    )
    target = write_file(args.out, handover_filename(asked.on), data)
    try:
        versions = handover.record(store, asked, viewer)
    except BaseException:
        target.unlink(missing_ok=True)  # no record without the hand-over it records
        raise
    return {
        "out": str(target),
        "sites": list(asked.site_ids),
        "versions": versions,
        "to": asked.to_unit,
        "on": asked.on.isoformat(),
    }


COMMANDS: dict[str, Callable] = {"dossier": _dossier, "handover": _handover}
