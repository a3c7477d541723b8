"""Accounts: who may sign in, with which role and chapter, and their sessions.

Passwords are hashed with argon2 (argon2-cffi) and never stored, printed or logged. After
LOCK_AFTER wrong passwords in a row an account is locked for LOCK_MINUTES. A session is a
random token; the database keeps only its hash, so a copy of the database opens no session.
Every change to an account is in the history (layer "users"), without the hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from layers import history
from layers.access import ROLES, AccessDenied, Reach, Right, Viewer
from layers.chapters import chapter_tree, find_chapter
from layers.errors import LayersError
from layers.labels import clean_text
from layers.store import Store
from layers.tables import METADATA

USERS = METADATA.tables["users"]
SESSIONS = METADATA.tables["sessions"]
LOCK_AFTER = 5
LOCK_MINUTES = 15
SESSION_DAYS = 14
MIN_PASSWORD = 8
MAX_PASSWORD = 200
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
_HASHER = PasswordHasher()


class SignInError(LayersError):
    """A sign-in that did not succeed; the message never says which of name or password was wrong."""


WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKED = "Tài khoản tạm khóa sau {n} lần nhập sai mật khẩu; hãy thử lại sau {minutes} phút."
DISABLED = "Tài khoản đã bị khóa; hãy liên hệ người quản trị."


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str
    role: str
    chapter_id: str | None
    disabled: bool
    is_demo: bool


def _now() -> datetime:
    return datetime.now(UTC)


def _user(row) -> User:
    return User(row.id, row.username, row.display_name, row.role, row.chapter_id, row.disabled, row.is_demo)


def check_password(password: str) -> str:
    """A password as given on stdin (one line), or a message saying what it needs."""
    password = password.rstrip("\r\n")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise LayersError(f"Mật khẩu phải dài từ {MIN_PASSWORD} đến {MAX_PASSWORD} ký tự.")
    return password


def check_username(username: str) -> str:
    """A user name: 3 to 40 lowercase letters, digits, dots, dashes or underscores.

    >>> check_username("qt.recorder")
    'qt.recorder'
    """
    if not USERNAME.match(username):
        raise LayersError(
            f"Tên đăng nhập «{username[:50]}» không hợp lệ: 3–40 ký tự a–z, 0–9, dấu chấm, gạch ngang hoặc gạch dưới."
        )
    return username


def find_user(store: Store, username: str) -> User | None:
    with store.engine.connect() as connection:
        row = connection.execute(sa.select(USERS).where(USERS.c.username == username)).first()
    return None if row is None else _user(row)


def viewer_of(store: Store, user: User) -> Viewer:
    """What an account sees: its role, its chapter (and the chapters under it when the role
    covers them), and the provinces of the provincial chapters among them."""
    role = ROLES[user.role]
    chapters: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()
    if user.chapter_id and role.reach is not Reach.ALL:
        tree = chapter_tree(store, user.chapter_id, below=role.below)
        chapters = frozenset(tree)
        provinces = frozenset(p for level, p in tree.values() if p and level == "province")
    return Viewer(
        user.username, role, chapters, provinces, user.is_demo, user.display_name or user.username, user.chapter_id
    )


def _check_grant(by: Viewer, role: str, chapter_id: str | None) -> None:
    """Whether `by` may give `role` in `chapter_id`: an administrator any; a chapter leader the
    roles it grants, in its own chapters."""
    if role not in ROLES:
        raise LayersError(f"Vai trò «{role}» không có; chọn: {', '.join(ROLES)}.")
    by.require(Right.USERS, "quản lý tài khoản")
    if by.demo_only:
        raise AccessDenied("Tài khoản mẫu không tạo hay sửa tài khoản.")
    if by.role.grants and role not in by.role.grants:
        raise AccessDenied(f"Tài khoản «{by.username}» không được tạo tài khoản vai trò «{role}».")
    if by.role.reach is not Reach.ALL and chapter_id not in by.chapters:
        raise AccessDenied(f"Tài khoản «{by.username}» chỉ quản lý tài khoản của Hội mình.")


def add_user(
    store: Store,
    username: str,
    role: str,
    password: str,
    by: Viewer,
    chapter: str | None = None,
    display_name: str | None = None,
    is_demo: bool = False,
) -> User:
    """Create an account. Every role but admin and partner works for a chapter."""
    check_username(username)
    chapter_id = find_chapter(store, chapter) if chapter else None
    if role in ("chapter", "recorder", "team") and chapter_id is None:
        raise LayersError(f"Vai trò «{role}» cần --chapter (Hội của tài khoản).")
    _check_grant(by, role, chapter_id)
    record = {
        "id": str(uuid.uuid4()),
        "username": username,
        "display_name": (display_name or username).strip()[:200],
        "role": role,
        "chapter_id": chapter_id,
        "disabled": False,
        "password_hash": _HASHER.hash(check_password(password)),
        "failed_sign_ins": 0,
        "created_at": _now(),
        "is_demo": is_demo,
    }
    with store.engine.begin() as connection:
        if connection.execute(sa.select(USERS.c.id).where(USERS.c.username == username)).first():
            raise LayersError(f"Đã có tài khoản «{username}».")
        connection.execute(USERS.insert().values(**record))
        shown = {k: v for k, v in record.items() if k in ("username", "display_name", "role", "chapter_id")}
        history.write(
            connection, "users", record["id"], 1, "insert", by.username, history.added(shown), is_demo=is_demo
        )
    return find_user(store, username)


def _managed(store: Store, username: str, by: Viewer) -> User:
    user = find_user(store, username)
    if user is None:
        raise LayersError(f"Không có tài khoản «{username}».")
    _check_grant(by, user.role, user.chapter_id)
    return user


def set_password(store: Store, username: str, password: str, by: Viewer) -> None:
    """A new password (which also lifts a lock); its sessions end."""
    user = _managed(store, username, by)
    hashed = _HASHER.hash(check_password(password))
    with store.engine.begin() as connection:
        connection.execute(
            USERS.update()
            .where(USERS.c.id == user.id)
            .values(password_hash=hashed, failed_sign_ins=0, locked_until=None)
        )
        connection.execute(SESSIONS.delete().where(SESSIONS.c.user_id == user.id))
        history.write(connection, "users", user.id, None, "update", by.username, {"password": ["•••", "•••"]})


def disable_user(store: Store, username: str, by: Viewer) -> None:
    """The account can no longer sign in; its sessions end. Records it wrote stay."""
    user = _managed(store, username, by)
    with store.engine.begin() as connection:
        connection.execute(USERS.update().where(USERS.c.id == user.id).values(disabled=True))
        connection.execute(SESSIONS.delete().where(SESSIONS.c.user_id == user.id))
        history.write(connection, "users", user.id, None, "update", by.username, {"disabled": [user.disabled, True]})


MAX_PUBLIC_NAME = 100


def clean_public_name(name: str | None) -> str | None:
    """A public name as stored: control characters out, spaces folded, 1 to MAX_PUBLIC_NAME
    characters (empty: none).

    >>> clean_public_name("  Đội  K50\x01 ")
    'Đội K50'
    """
    text = " ".join(clean_text(name or "").split())
    if len(text) > MAX_PUBLIC_NAME:
        raise LayersError(f"Tên công khai dài {len(text)} ký tự; tối đa {MAX_PUBLIC_NAME}.")
    return text or None


def set_public_name(store: Store, username: str, name: str | None, by: Viewer) -> str | None:
    """Record the name the account's people agreed may be shown publicly (None: never named).
    The account's own user may set it; so may whoever manages that account (Right.USERS over
    its chapter). Returns the name stored."""
    user = find_user(store, username)
    if user is None:
        raise LayersError(f"Không có tài khoản «{username[:50]}».")
    if by.username != user.username:
        _check_grant(by, user.role, user.chapter_id)
    value = clean_public_name(name)
    with store.engine.begin() as connection:
        old = connection.execute(sa.select(USERS.c.public_name).where(USERS.c.id == user.id)).scalar()
        if old == value:
            return value
        connection.execute(USERS.update().where(USERS.c.id == user.id).values(public_name=value))
        history.write(
            connection,
            "users",
            user.id,
            None,
            "update",
            by.username,
            {"public_name": [old, value]},
            is_demo=user.is_demo,
        )
    return value


def public_name(store: Store, username: str) -> str | None:
    """The name an account's people agreed to show (None: never named)."""
    with store.engine.connect() as connection:
        return connection.execute(sa.select(USERS.c.public_name).where(USERS.c.username == username)).scalar()


def list_users(store: Store, by: Viewer) -> list[dict]:
    """The accounts `by` manages: every one for an administrator, those of its chapters for a
    chapter leader."""
    by.require(Right.USERS, "xem danh sách tài khoản")
    query = sa.select(USERS).order_by(USERS.c.username)
    if by.demo_only:
        query = query.where(USERS.c.is_demo)
    if by.role.reach is not Reach.ALL:
        query = query.where(USERS.c.chapter_id.in_(sorted(by.chapters)))
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        {
            "username": r.username,
            "display_name": r.display_name,
            "role": r.role,
            "chapter_id": r.chapter_id,
            "disabled": r.disabled,
            "demo": r.is_demo,
            "created_at": history.aware(r.created_at).isoformat(),
            "last_sign_in_at": history.aware(r.last_sign_in_at).isoformat() if r.last_sign_in_at else None,
        }
        for r in rows
    ]


def has_admin(store: Store) -> bool:
    """Whether a real (not demo) administrator can sign in."""
    query = sa.select(USERS.c.id).where(USERS.c.role == "admin", ~USERS.c.disabled, ~USERS.c.is_demo)
    with store.engine.connect() as connection:
        return connection.execute(query).first() is not None


# -- signing in -------------------------------------------------------------------------------


def _count_attempt(store: Store, user_id: str) -> int:
    """Count a sign-in attempt before its password is checked, atomically: attempts sent in
    parallel each get their own number, so none slips past the lock."""
    query = (
        USERS.update()
        .where(USERS.c.id == user_id)
        .values(failed_sign_ins=USERS.c.failed_sign_ins + 1)
        .returning(USERS.c.failed_sign_ins)
    )
    with store.engine.begin() as connection:
        return int(connection.execute(query).scalar_one())


def _lock(store: Store, user_id: str, now: datetime) -> None:
    with store.engine.begin() as connection:
        connection.execute(
            USERS.update()
            .where(USERS.c.id == user_id)
            .values(failed_sign_ins=0, locked_until=now + timedelta(minutes=LOCK_MINUTES))
        )
        history.write(connection, "users", user_id, None, "lock", "system", {}, reason="mật khẩu sai nhiều lần")


def authenticate(store: Store, username: str, password: str) -> User:
    """The account, if the password is right and it is neither disabled nor locked. Every
    attempt counts towards the lock until the right password resets the count."""
    now = _now()
    username = username.strip()
    row = None
    if USERNAME.match(username):  # anything else names nobody (and a NUL would upset PostgreSQL)
        with store.engine.connect() as connection:
            row = connection.execute(sa.select(USERS).where(USERS.c.username == username)).first()
    if row is None:
        _HASHER.hash("a password nobody has")  # about as slow as a real check
        raise SignInError(WRONG)
    locked_until = history.aware(row.locked_until)
    if locked_until is not None and locked_until > now:
        raise SignInError(LOCKED.format(n=LOCK_AFTER, minutes=LOCK_MINUTES))
    attempt = _count_attempt(store, row.id)
    if attempt > LOCK_AFTER:  # others' attempts used up the tries while this one waited
        raise SignInError(LOCKED.format(n=LOCK_AFTER, minutes=LOCK_MINUTES))
    try:
        _HASHER.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        if attempt == LOCK_AFTER:
            _lock(store, row.id, now)
            raise SignInError(LOCKED.format(n=LOCK_AFTER, minutes=LOCK_MINUTES)) from None
        raise SignInError(WRONG) from None
    if row.disabled:
        raise SignInError(DISABLED)
    values = {"failed_sign_ins": 0, "locked_until": None, "last_sign_in_at": now}
    if _HASHER.check_needs_rehash(row.password_hash):
        values["password_hash"] = _HASHER.hash(password)
    with store.engine.begin() as connection:
        connection.execute(USERS.update().where(USERS.c.id == row.id).values(**values))
    return _user(row)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Store, user: User) -> str:
    """A new session for a signed-in account; returns its token (kept only as a hash)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with store.engine.begin() as connection:
        connection.execute(SESSIONS.delete().where(SESSIONS.c.expires_at < now))
        connection.execute(
            SESSIONS.insert().values(
                token_hash=_token_hash(token),
                user_id=user.id,
                created_at=now,
                expires_at=now + timedelta(days=SESSION_DAYS),
            )
        )
    return token


def session_user(store: Store, token: str) -> User | None:
    """The account of an open session (None when it ended, expired or the account was disabled)."""
    query = (
        sa.select(USERS, SESSIONS.c.expires_at)
        .join(SESSIONS, SESSIONS.c.user_id == USERS.c.id)
        .where(SESSIONS.c.token_hash == _token_hash(token))
    )
    with store.engine.connect() as connection:
        row = connection.execute(query).first()
    if row is None or row.disabled or history.aware(row.expires_at) < _now():
        return None
    return _user(row)


def end_session(store: Store, token: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(SESSIONS.delete().where(SESSIONS.c.token_hash == _token_hash(token)))


# -- the demo accounts ------------------------------------------------------------------------

DEMO_PASSWORD = "demo2027"  # shown in the demo banner; removed with the demo data
DEMO_USERS = (  # username, display name, role, chapter
    ("demo.trunguong", "Quản trị mẫu (Trung ương Hội)", "admin", "chapter-central"),
    ("demo.tinh", "Lãnh đạo mẫu, Hội tỉnh Quảng Trị", "chapter", "chapter-vn-25"),
    ("demo.tiepnhan", "Cán bộ tiếp nhận mẫu, Quảng Trị", "recorder", "chapter-vn-25"),
    ("demo.doi2", "Đội tìm kiếm mẫu số 2, Quảng Trị", "team", "chapter-vn-25"),
    ("demo.doi", "Đội tìm kiếm mẫu, Quảng Trị", "team", "chapter-vn-25"),
    ("demo.doitac", "Đối tác mẫu", "partner", None),
)
DEMO_TEAM = "demo.doi"  # the team the demo's work is sent to (the last team: layers.demo.step_actor)
# The names the demo teams agreed to show publicly (commendations); demo.doi2 agreed to none, so
# the public pages call it by the anonymous wording (layers.commendations.ANONYMOUS_TEAM).
DEMO_PUBLIC_NAMES = {"demo.doi": "Đội tìm kiếm K50 (mẫu)"}


def add_demo_users(connection: sa.Connection) -> int:
    """One demo account per role (the demo banner shows their names and DEMO_PASSWORD); they see
    and change demo records only. Inside the caller's transaction (the demo data's)."""
    now = _now()
    hashed = _HASHER.hash(DEMO_PASSWORD)
    present = set(connection.execute(sa.select(USERS.c.username).where(USERS.c.is_demo)).scalars())
    rows = [
        {
            "id": str(uuid.uuid4()),
            "username": username,
            "display_name": name,
            "role": role,
            "chapter_id": chapter_id,
            "disabled": False,
            "password_hash": hashed,
            "failed_sign_ins": 0,
            "created_at": now,
            "is_demo": True,
            "public_name": DEMO_PUBLIC_NAMES.get(username),
        }
        for username, name, role, chapter_id in DEMO_USERS
        if username not in present
    ]
    if rows:
        connection.execute(USERS.insert(), rows)
    return len(rows)
