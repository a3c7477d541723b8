"""Accounts sent on the public page (/gui-thong-tin): checked, limited and stored as new reports.

Anyone may send an account, without an account of their own. What they send becomes a report
("Mới nhận", channel "form") in the review queue of the chapter of the province they chose, with
their contact consent on the record, its photos attached privately (layers.attachments), and a
receipt code (TB-7K3Q-9M) they can quote by phone. Nothing here reads a stored report back
out: the page answers only with the receipt code, the chapter's name and contact, and what
the person has just sent.

Abuse is held back by rate limits per browser session and per client address (both kept only
as keyed hashes in `intake_attempts`), a budget of photo bytes per hour for the whole page,
a honeypot field people never see, and size limits on every field and file. Every attempt is
counted, and the limits asked, before anything else is looked at: a refused attempt, one with
a field to correct and one with the honeypot filled count alike, and no image is opened
before the attempt has passed the limits (then each image is decoded once, its inspection
reused when it is stored). The honeypot is refused openly, with a message saying to leave
that field empty, rather than answered as if accepted: a browser that fills hidden fields by
itself would otherwise lose a real account without anyone knowing.

The session limit is a courtesy, not a defence: the page needs no sign-in, so whoever drops
the session cookie starts a new session (and the CSRF cookie is whatever the browser sends).
The limit that holds is the one per client address, asked whatever the session. Behind a
reverse proxy every request comes from the proxy's address, so all visitors would share one
address limit: the installation names its proxy (layers.config.trusted_proxies,
BANDO_TRUSTED_PROXY=127.0.0.1), and only then is the proxy's X-Forwarded-For believed
(ui/intake.client_address); by default that header, which any client can send, is ignored.

This module knows nothing about HTTP: ui/intake.py reads the form and calls `receive`.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from geo.admin import province_names
from geo.text import fold
from layers import attachments
from layers.campaign import vietnam_today
from layers.chapters import CENTRAL_ID, provincial_id
from layers.config import cookie_secret
from layers.errors import LayersError
from layers.labels import clean_text
from layers.records import RecordProblem, check_report
from layers.schema import CONSENTS, Term
from layers.store import Store
from layers.tables import METADATA

AUTHOR = "gui-thong-tin"  # the history's author of every account sent on the public page
CHANNEL = "form"
UNKNOWN_PROVINCE = "khong-ro"  # "I do not know the province": the central association receives it
HONEYPOT = "website"  # the field people never see (hidden by the page); a filled one is refused
MAX_PHOTOS = attachments.PUBLIC_MAX_FILES


@dataclass(frozen=True)
class Limit:
    """At most `count` attempts within `window`."""

    count: int
    window: timedelta


# Declared once; a person who types slowly sends one account in several minutes, a chapter
# meeting's shared phone or a family's Wi-Fi sends a few in an hour.
SESSION_LIMIT = Limit(5, timedelta(minutes=10))
ADDRESS_LIMIT = Limit(20, timedelta(hours=1))
# Bytes of photos the page stores in an hour from all addresses together (about a hundred
# phone photos): a spread-out flood cannot fill the disk faster than someone notices.
PHOTO_BUDGET = Limit(500 * attachments.MIB, timedelta(hours=1))
ATTEMPTS_KEPT = timedelta(days=2)  # older attempts are removed as new ones arrive

# How the person knows what they tell (stored on the report as its Vietnamese label, with their
# own words after it when they add some).
KNOWS = (
    Term("buried", "Tôi trực tiếp chôn cất", "I buried them myself"),
    Term("saw", "Tôi tận mắt thấy mộ hoặc nơi chôn", "I saw the grave or the burial"),
    Term("heard", "Tôi nghe người khác kể lại", "I heard it from someone"),
    Term("papers", "Từ thư từ, giấy tờ, nhật ký", "From letters, papers or a diary"),
    Term("other", "Cách khác", "Another way"),
)


@dataclass(frozen=True)
class FormField:
    """One text field of the public form: its label in both languages and its longest length."""

    name: str
    label_vi: str
    label_en: str
    max_length: int
    multiline: bool = False

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


FIELDS: dict[str, FormField] = {
    f.name: f
    for f in (
        FormField("martyr_names", "Họ tên liệt sĩ", "Martyr's name(s)", 500),
        FormField("hometown", "Quê quán liệt sĩ", "The martyr's hometown", 300),
        FormField("unit", "Đơn vị", "Unit", 200),
        FormField("period_text", "Năm hoặc thời gian hy sinh", "Year or time of death", 300),
        FormField("place_description", "Mô tả nơi chôn cất", "Where the grave is", 5_000, multiline=True),
        FormField("historical_place", "Địa danh (tên cũ hay mới đều được)", "Place name (old or new)", 300),
        FormField("province", "Tỉnh, thành", "Province or city", 20),
        FormField("coord_text", "Tọa độ (nếu có)", "Coordinates (if any)", 200),
        FormField("pin_lat", "Vĩ độ ghim", "Pin latitude", 30),
        FormField("pin_lon", "Kinh độ ghim", "Pin longitude", 30),
        FormField("pin_zoom", "Mức phóng bản đồ", "Map zoom", 5),
        FormField("knows", "Vì sao bạn biết", "How you know", 20),
        FormField("knows_detail", "Kể thêm (nếu muốn)", "Tell more (optional)", 2_000, multiline=True),
        FormField("witness_name", "Họ tên của bạn", "Your name", 200),
        FormField("witness_phone", "Điện thoại của bạn", "Your phone", 40),
        FormField("witness_address", "Địa chỉ của bạn", "Your address", 500),
        FormField("witness_relation", "Bạn là gì của liệt sĩ", "Your relation to the martyr", 200),
        FormField("consent", "Ai được liên hệ với bạn", "Who may contact you", 20),
        FormField("agreed", "Đồng ý", "Agreement", 5),
        FormField(HONEYPOT, "Để trống ô này", "Leave this empty", 500),
    )
}
TEXT_FIELDS = tuple(name for name in FIELDS if name not in ("agreed",))
CONSENT_CODES = tuple(t.code for t in CONSENTS)
KNOWS_CODES = tuple(t.code for t in KNOWS)
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, no 1/I: read aloud by phone
PHONE_CHARACTERS = frozenset("0123456789 +.-()")


class IntakeProblem(LayersError):
    """What keeps an account from being stored, for each field concerned, in both languages.
    `str()` is the Vietnamese, one line."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems  # (field, Vietnamese, English)
        super().__init__(" ".join(vi for _f, vi, _en in problems))

    def messages(self, lang: str) -> list[str]:
        return [en if lang == "en" else vi for _f, vi, en in self.problems]

    @property
    def fields(self) -> set[str]:
        return {f for f, _vi, _en in self.problems}


class RateLimited(LayersError):
    """Too many accounts from this session or address in a short time; nothing was stored."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        super().__init__(f"Bạn đã gửi nhiều lần trong thời gian ngắn; hãy thử lại sau {minutes} phút.")


class PhotoBudgetFull(LayersError):
    """The page has stored its hour's budget of photo bytes (PHOTO_BUDGET); nothing was stored,
    and the account can be sent again without its photos."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        super().__init__(
            "Trang đang nhận quá nhiều ảnh trong lúc này nên chưa lưu được thông tin của bạn. "
            f"Xin gửi lại không kèm ảnh, hoặc thử lại sau {minutes} phút."
        )


@dataclass(frozen=True)
class Photo:
    """One uploaded file as sent (its name is only a label: its type is read from its bytes)."""

    name: str
    data: bytes


@dataclass
class Submission:
    """What a person sent on the public page: each text field as typed, and the photos."""

    values: dict[str, str] = field(default_factory=dict)
    photos: list[Photo] = field(default_factory=list)

    @classmethod
    def of_form(cls, form: Mapping[str, str], photos: list[Photo] | None = None) -> Submission:
        """The fields this page knows, each cut to a bounded length (longer text is refused by
        `check`, not silently shortened: the bound only keeps memory small)."""
        values = {}
        for name, spec in FIELDS.items():
            raw = str(form.get(name) or "")[: spec.max_length + 1]
            values[name] = clean_text(raw).replace("\r\n", "\n").strip()
        return cls(values, [p for p in photos or [] if p.data or p.name])

    def get(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass(frozen=True)
class Client:
    """Who sends, as the rate limits see it: the client's address and the page's session
    cookie, both turned into keyed hashes before anything is stored."""

    address: str
    session: str

    def keys(self) -> tuple[str, str]:
        return keyed("address", self.address), keyed("session", self.session)


@dataclass(frozen=True)
class Receipt:
    """What the person is told after sending."""

    code: str
    report_id: str
    chapter_id: str
    chapter_name: str
    chapter_contact: str | None
    coordinate_kept_as_text: bool = False


def keyed(kind: str, value: str) -> str:
    """An HMAC of a client's address or session with the installation's secret: attempts can be
    counted without keeping either."""
    key = cookie_secret().encode()
    return hmac.new(key, f"intake-{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def new_receipt_code() -> str:
    """A code like TB-7K3Q-9M: 6 random characters from an alphabet without 0/O and 1/I.

    >>> import re; bool(re.fullmatch(r"TB-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}", new_receipt_code()))
    True
    """
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(6))
    return f"TB-{chars[:4]}-{chars[4:]}"


def provinces() -> list[tuple[str, str]]:
    """The 34 provinces of today as (code, name), in Vietnamese alphabetical order."""
    names = province_names("34")
    return sorted(names.items(), key=lambda item: fold(item[1]))


def _problem(name: str, vi: str, en: str) -> tuple[str, str, str]:
    spec = FIELDS[name]
    return name, f"«{spec.label_vi}»: {vi}", f"“{spec.label_en}”: {en}"


def _pin(submission: Submission) -> tuple[float, float, int] | None:
    """The map pin (lat, lon, zoom), or None when there is none; IntakeProblem for nonsense."""
    lat_text, lon_text = submission.get("pin_lat"), submission.get("pin_lon")
    if not lat_text and not lon_text:
        return None
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise IntakeProblem(
            [_problem("pin_lat", "ghim bản đồ không đọc được.", "the map pin cannot be read.")]
        ) from None
    if not (math.isfinite(lat) and math.isfinite(lon) and 5 <= lat <= 25 and 100 <= lon <= 112):
        message = _problem("pin_lat", "ghim nằm ngoài Việt Nam, Lào, Campuchia.", "the pin is outside the region.")
        raise IntakeProblem([message])
    try:
        zoom = min(max(int(submission.get("pin_zoom") or 10), 1), 19)
    except ValueError:
        zoom = 10
    return lat, lon, zoom


def check(submission: Submission) -> list[tuple[str, str, str]]:
    """Every problem of a submission's fields and its number of photos, each naming its field
    (empty: it can be stored once its photos pass `inspect_photos`). No image is opened here."""
    problems = []
    for name in TEXT_FIELDS:
        if len(submission.get(name)) > FIELDS[name].max_length:
            problems.append(
                _problem(
                    name,
                    f"dài quá, tối đa {FIELDS[name].max_length} ký tự.",
                    f"too long, at most {FIELDS[name].max_length} characters.",
                )
            )
    told = ("martyr_names", "place_description", "historical_place", "coord_text", "pin_lat")
    if not any(submission.get(name) for name in told):
        problems.append(
            _problem(
                "martyr_names",
                "hãy ghi họ tên liệt sĩ hoặc mô tả nơi chôn cất (ít nhất một trong hai).",
                "please give the martyr's name or describe where the grave is (at least one).",
            )
        )
    province = submission.get("province")
    if province != UNKNOWN_PROVINCE and province not in province_names("34"):
        problems.append(
            _problem(
                "province", "hãy chọn tỉnh, thành (hoặc «Tôi không rõ»).", "please choose one (or “I do not know”)."
            )
        )
    if submission.get("knows") and submission.get("knows") not in KNOWS_CODES:
        problems.append(_problem("knows", "hãy chọn một cách trong danh sách.", "please choose one of the list."))
    phone = submission.get("witness_phone")
    digits = sum(ch.isdigit() for ch in phone)
    if phone and (set(phone) - PHONE_CHARACTERS or not 8 <= digits <= 15):
        problems.append(
            _problem("witness_phone", "chỉ ghi chữ số, ví dụ 0912 345 678.", "digits only, for example 0912 345 678.")
        )
    consent = submission.get("consent")
    if consent and consent not in CONSENT_CODES:
        problems.append(_problem("consent", "hãy chọn một trong ba cách.", "please choose one of the three."))
    elif not consent and _has_contact(submission):
        problems.append(
            _problem(
                "consent",
                "hãy chọn ai được liên hệ với bạn (hoặc «Không ai liên hệ lại»).",
                "please choose who may contact you (or “Nobody”).",
            )
        )
    if submission.get("agreed") not in ("1", "on", "yes"):
        problems.append(
            _problem(
                "agreed",
                "hãy đánh dấu ô đồng ý để Hội lưu giữ thông tin bạn gửi.",
                "please tick the box agreeing that the association keeps what you send.",
            )
        )
    if len(submission.photos) > MAX_PHOTOS:
        problems.append(("photos", f"«Ảnh»: tối đa {MAX_PHOTOS} ảnh.", f"“Photos”: at most {MAX_PHOTOS}."))
    try:
        _pin(submission)
    except IntakeProblem as exc:
        problems += exc.problems
    return problems


def inspect_photos(submission: Submission) -> tuple[list[attachments.Inspected], list[tuple[str, str, str]]]:
    """Each photo decoded once (layers.attachments.inspect_image): what each is, to store it with,
    and the problem of each that cannot be stored. Only for an attempt that passed the limits."""
    seen, problems = [], []
    for photo in submission.photos[:MAX_PHOTOS]:
        try:
            seen.append(attachments.inspect_image(photo.data, photo.name))
        except attachments.AttachmentProblem as exc:
            problems.append(("photos", f"«Ảnh»: {exc}", f"“Photos”: {_english_photo(exc, photo.name)}"))
    return seen, problems


def _english_photo(exc: attachments.AttachmentProblem, name: str) -> str:
    said = str(exc)
    shown = f"“{(name or 'photo')[:60]}”"
    if "quá lớn (" in said and "điểm ảnh" in said:
        return f"{shown} has too many pixels; take or scan it smaller."
    if "quá lớn" in said:
        return f"{shown} is too large (at most {attachments.MAX_BYTES // attachments.MIB} MB per photo)."
    if "rỗng" in said:
        return f"{shown} is empty."
    return f"{shown} is not a readable JPEG, PNG or WebP image."


def _has_contact(submission: Submission) -> bool:
    return any(submission.get(name) for name in ("witness_name", "witness_phone", "witness_address"))


def _knows(submission: Submission) -> str | None:
    labels = {t.code: t.label_vi for t in KNOWS}
    parts = [labels.get(submission.get("knows"), ""), submission.get("knows_detail")]
    return ": ".join(p for p in parts if p) or None


def _pin_text(lat: float, lon: float) -> str:
    return f"{lat:.6f}, {lon:.6f}"


def _pin_uncertainty(lat: float, zoom: int) -> float:
    """A finger's width (about 20 screen pixels) on the map at that zoom, in metres."""
    metres_per_pixel = 156_543.03 * math.cos(math.radians(lat)) / 2**zoom
    return float(round(max(20 * metres_per_pixel, 10.0)))


COORDINATE_NOTE = "[Tọa độ]"


def record_of(submission: Submission) -> tuple[dict, bool]:
    """The report a checked submission stores (without its id, chapter and receipt code), read
    by the importer's own checks (layers.records.check_report: coordinates, provinces, the
    approximate area of a place name, the years of a period as told); and whether a typed
    coordinate could not be read (it is then kept in the notes as written, never refused)."""
    values: dict[str, object] = {
        name: submission.get(name)
        for name in (
            "martyr_names",
            "hometown",
            "unit",
            "period_text",
            "place_description",
            "historical_place",
            "witness_name",
            "witness_phone",
            "witness_address",
            "witness_relation",
        )
        if submission.get(name)
    }
    province = submission.get("province")
    if province in province_names("34"):
        values["province_34"] = province_names("34")[province]
    notes: list[str] = []
    typed, pin = submission.get("coord_text"), _pin(submission)
    unreadable = False
    if typed:
        try:
            check_report({**values, "coord_text": typed})
            values["coord_text"] = typed
        except RecordProblem:
            unreadable = True
            notes.append(f"{COORDINATE_NOTE} Người gửi ghi tọa độ «{typed}», chưa đọc được; giữ nguyên như đã ghi.")
    if pin is not None:
        lat, lon, zoom = pin
        if "coord_text" in values:
            notes.append(f"{COORDINATE_NOTE} Người gửi cũng ghim trên bản đồ: {_pin_text(lat, lon)}.")
        else:
            values.update(coord_text=_pin_text(lat, lon), coord_datum="wgs84")
            values["uncertainty_m"] = str(_pin_uncertainty(lat, zoom))
            notes.append(f"{COORDINATE_NOTE} Vị trí do người gửi ghim trên bản đồ của trang gửi thông tin.")
    if notes:
        values["notes"] = "\n".join(notes)
    try:
        record = check_report(values)
    except RecordProblem as exc:  # a value the importer refuses: said with the page's field names
        raise IntakeProblem([("martyr_names", str(exc), str(exc))]) from None
    record.update(
        status="new",
        source_channel=CHANNEL,
        witness_consent=submission.get("consent") or "nobody",
        witness_knows=_knows(submission),
    )
    return record, unreadable


def chapter_of(province: str) -> str:
    """The chapter that receives an account about a province (its code), or the central
    association's when the person does not know the province."""
    return CENTRAL_ID if province == UNKNOWN_PROVINCE else provincial_id(province)


def chapter_card(connection: sa.Connection, chapter_id: str) -> tuple[str, str | None]:
    """A chapter's name and contact, as the receipt shows them (the central association's when
    the chapter is missing)."""
    table = METADATA.tables["chapters"]
    for wanted in (chapter_id, CENTRAL_ID):
        row = connection.execute(
            sa.select(table.c.name, table.c.contact).where(table.c.id == wanted, table.c.deleted_at.is_(None))
        ).first()
        if row is not None:
            return row.name, row.contact
    return "Hội Cựu Thanh niên xung phong Việt Nam", None


def _now() -> datetime:
    return datetime.now(UTC)


def _attempts(connection: sa.Connection, column: sa.Column, key: str, since: datetime) -> int:
    table = METADATA.tables["intake_attempts"]
    query = sa.select(sa.func.count()).select_from(table).where(column == key, table.c.at >= since)
    return int(connection.execute(query).scalar_one())


def _record_attempt(connection: sa.Connection, client: Client, now: datetime) -> tuple[int, int | None]:
    """Write this attempt (as refused until it is stored), forget old ones, and say whether the
    limits allow it: (attempt id, None) or (attempt id, minutes to wait)."""
    table = METADATA.tables["intake_attempts"]
    address_key, session_key = client.keys()
    connection.execute(table.delete().where(table.c.at < now - ATTEMPTS_KEPT))
    attempt = connection.execute(
        table.insert().values(at=now, address_key=address_key, session_key=session_key, accepted=False)
    ).inserted_primary_key[0]
    for column, key, limit in (
        (table.c.session_key, session_key, SESSION_LIMIT),
        (table.c.address_key, address_key, ADDRESS_LIMIT),
    ):
        if _attempts(connection, column, key, now - limit.window) > limit.count:
            return attempt, max(1, math.ceil(limit.window.total_seconds() / 60))
    return attempt, None


def count_attempt(store: Store, client: Client) -> tuple[int, int | None]:
    """Count an attempt, in a transaction of its own (it stays counted whatever follows), and say
    whether the limits allow it: (attempt id, None) or (attempt id, minutes to wait). The UI
    calls it for a post it refuses before `receive` (a stale page's token)."""
    with store.engine.begin() as connection:
        return _record_attempt(connection, client, _now())


def _check_budget(connection: sa.Connection, size: int, now: datetime) -> None:
    """PhotoBudgetFull when `size` more bytes of photos would pass the page's hourly budget."""
    if size and attachments.stored_bytes(connection, AUTHOR, now - PHOTO_BUDGET.window) + size > PHOTO_BUDGET.count:
        raise PhotoBudgetFull(max(1, math.ceil(PHOTO_BUDGET.window.total_seconds() / 60)))


def _unique_code(connection: sa.Connection) -> str:
    reports = METADATA.tables["reports"]
    for _ in range(20):
        code = new_receipt_code()
        if connection.execute(sa.select(reports.c.id).where(reports.c.receipt_code == code)).first() is None:
            return code
    raise LayersError("Không tạo được mã tiếp nhận; hãy gửi lại.")  # 20 collisions in 10⁹ codes: never


def receive(store: Store, submission: Submission, client: Client, today: date | None = None) -> Receipt:
    """Store an account sent on the public page, with its photos, in one transaction, and return
    its receipt. The attempt is counted first, in a transaction of its own, whatever follows:
    RateLimited when it is over a limit (nothing else is looked at); then IntakeProblem (a field
    to correct: nothing stored), PhotoBudgetFull (the page's photo budget for the hour is spent:
    nothing stored, photos not opened), or the receipt."""
    attempt, wait = count_attempt(store, client)
    if wait is not None:
        raise RateLimited(wait)
    if submission.get(HONEYPOT):
        vi, en = (
            "ô ẩn này phải để trống; xin bấm «Gửi thông tin» lần nữa.",
            "this hidden field must stay empty; press “Send” again.",
        )
        raise IntakeProblem([_problem(HONEYPOT, vi, en)])
    problems = check(submission)
    size = sum(len(photo.data) for photo in submission.photos)
    seen: list[attachments.Inspected] = []
    if len(submission.photos) <= MAX_PHOTOS:
        if size:
            with store.engine.connect() as connection:
                _check_budget(connection, size, _now())
        seen, photo_problems = inspect_photos(submission)
        problems += photo_problems
    if problems:
        raise IntakeProblem(problems)
    record, unreadable = record_of(submission)
    chapter_id = chapter_of(submission.get("province"))
    table = METADATA.tables["intake_attempts"]
    with store.engine.begin() as connection:
        record.update(
            id=str(uuid.uuid4()),
            chapter_id=chapter_id,
            receipt_code=_unique_code(connection),
            received_on=today or vietnam_today(),
        )
        store.insert("reports", [record], author=AUTHOR, connection=connection)
        # Asked again once this transaction writes (SQLite: others wait): photos stored meanwhile count.
        _check_budget(connection, size, _now())
        for photo, inspected in zip(submission.photos, seen, strict=True):
            attachments.add_attachment(
                store,
                connection,
                "reports",
                record["id"],
                photo.data,
                photo.name,
                AUTHOR,
                private=True,
                seen=inspected,
            )
        connection.execute(table.update().where(table.c.id == attempt).values(accepted=True))
        name, contact = chapter_card(connection, chapter_id)
    return Receipt(record["receipt_code"], record["id"], chapter_id, name, contact, unreadable)
