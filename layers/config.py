"""The installation's settings: where the database is, its secrets, and its switches.

Read from the environment first, then `.streamlit/secrets.toml`, then the defaults; nothing
else in the code reads either place.
"""

from __future__ import annotations

import os
import secrets as _random
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / "data" / "local"
DEFAULT_URL = f"sqlite:///{LOCAL / 'campaign.sqlite'}"
URL_ENV = "BANDO_DB_URL"
SECRETS = ROOT / ".streamlit" / "secrets.toml"
BUSY_TIMEOUT_ENV = "BANDO_BUSY_TIMEOUT_S"  # seconds a writer waits for another; 120 unless set
CONTACTS_ENV = "BANDO_SHOW_CONTACTS"
COOKIE_SECRET_ENV = "BANDO_COOKIE_SECRET"
COOKIE_SECRET_FILE = LOCAL / "cookie_secret"


def secrets() -> dict:
    """The contents of .streamlit/secrets.toml (empty when there is none)."""
    return tomllib.loads(SECRETS.read_text(encoding="utf-8")) if SECRETS.exists() else {}


def database_url(explicit: str | None = None) -> str:
    """The database URL: the argument, else $BANDO_DB_URL, else secrets.toml `db_url`, else SQLite."""
    if explicit:
        return explicit
    if os.environ.get(URL_ENV):
        return os.environ[URL_ENV]
    return secrets().get("db_url") or DEFAULT_URL


def contacts_allowed() -> bool:
    """Whether the server's operator (the command line without --as) sees witness contacts:
    $BANDO_SHOW_CONTACTS=1 or `show_witness_contacts = true` in secrets.toml. Off by default.
    Signed-in people see contacts by their role (layers.access), not by this switch."""
    if os.environ.get(CONTACTS_ENV) is not None:
        return os.environ[CONTACTS_ENV] == "1"
    return bool(secrets().get("show_witness_contacts", False))


def busy_timeout_s() -> float:
    """How long a writer waits for another (a parallel import) before giving up with a message."""
    return float(os.environ.get(BUSY_TIMEOUT_ENV) or 120)


def cookie_secret() -> str:
    """The key that signs session cookies: $BANDO_COOKIE_SECRET, else `cookie_secret` in
    secrets.toml, else one made on first use and kept in data/local/cookie_secret (readable by
    this user only). Several app processes behind one proxy must be given the same key."""
    given = os.environ.get(COOKIE_SECRET_ENV) or secrets().get("cookie_secret")
    if given:
        return str(given)
    COOKIE_SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
    if not COOKIE_SECRET_FILE.exists():
        # Written whole under another name, then linked: a second process starting at the same
        # moment finds either no file or the whole key, never an empty one.
        draft = COOKIE_SECRET_FILE.with_name(f".cookie_secret.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(_random.token_urlsafe(48))
        try:
            os.link(draft, COOKIE_SECRET_FILE)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return COOKIE_SECRET_FILE.read_text().strip()


ATTACHMENTS_ENV = "BANDO_ATTACHMENTS_DIR"


def attachments_dir() -> Path:
    """Where attached files (photos, scans) are kept, by content hash: $BANDO_ATTACHMENTS_DIR,
    else `attachments_dir` in secrets.toml, else data/local/attachments. Never under static/:
    these files are private and only reach a person through a page that checks their rights."""
    given = os.environ.get(ATTACHMENTS_ENV) or secrets().get("attachments_dir")
    return Path(given) if given else LOCAL / "attachments"


PUBLIC_URL_ENV = "BANDO_PUBLIC_URL"
TRUSTED_PROXY_ENV = "BANDO_TRUSTED_PROXY"


def public_url() -> str | None:
    """The address people reach the app at from outside, e.g. https://bando.hoicuutnxp.vn:
    $BANDO_PUBLIC_URL, else `public_url` in secrets.toml, else None. The public intake page's
    QR code and share line say it; without it they say the address of the request, whose Host
    header the visitor chose."""
    given = str(os.environ.get(PUBLIC_URL_ENV) or secrets().get("public_url") or "").strip().rstrip("/")
    return given or None


def trusted_proxies() -> frozenset[str]:
    """The addresses of the reverse proxies whose X-Forwarded-For is believed (the public intake
    page limits attempts per client address): $BANDO_TRUSTED_PROXY, else `trusted_proxy` in
    secrets.toml, each a comma-separated list such as "127.0.0.1, ::1". Empty by default: the
    header is then ignored, since any client can send it."""
    given = os.environ.get(TRUSTED_PROXY_ENV) or secrets().get("trusted_proxy") or ""
    if isinstance(given, list):
        given = ",".join(map(str, given))
    return frozenset(part.strip() for part in str(given).split(",") if part.strip())


MAPS_ENV = "BANDO_MAPS_DIR"


def maps_dir() -> Path:
    """Where the chapters keep their georeferenced map scans and orthophotos (GeoTIFF), which the
    offline package for a trip cuts to the trip's area (layers.exporters.offline_maps):
    $BANDO_MAPS_DIR, else `maps_dir` in secrets.toml, else data/local/maps. A scan directly in it
    is shared by all chapters; one under `<maps dir>/<chapter_id>/` is that chapter's, and no
    configured scan goes into a partner's package (layers.access.may_take_scan). Outside static/
    like attachments: a scan may show more than the chapter wants published."""
    given = os.environ.get(MAPS_ENV) or secrets().get("maps_dir")
    return Path(given) if given else LOCAL / "maps"
