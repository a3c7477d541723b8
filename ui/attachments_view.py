"""The attachments of one record, on any page that shows a record of any layer: the list (a
thumbnail for a picture, a player for a recording or a video, a link for a PDF), who added
each and when, its marks; the form that attaches a file; removing one; and, for a report, the
offer to take a photo's GPS as its position (only when pressed, never silently).

What a person may see comes from layers.attachments (`attachments_of`, with the viewer); the
files themselves come from the app's own routes (ui/files.py), which check again. One read per
rerun (the list); no file is read here except the one being attached. Every text a person
typed (a caption, a file's name, an author) is escaped before it is rendered.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import UTC, datetime

import streamlit as st

from layers import access, attachments, filekinds
from layers.access import AccessDenied
from layers.campaign import VIETNAM
from layers.errors import LayersError
from layers.labels import blank, number
from layers.schema import Layer
from ui.files import file_url, thumbnail_url
from ui.i18n import text
from ui.state import lang, plain, store, t, viewer

MIB = 2**20
HEAD_BYTES = 1024  # what the size check looks at to tell the kind (layers.attachments.check_size)
DONE_KEY = "_attachments_done"  # what the last change did, said once after the rerun it causes
# Other names cameras and phones give the same files (IMG_0001.JPEG, a HEIF from Android).
EXTENSION_ALIASES = ("jpeg", "heif", "3gp")


# -- pure helpers (no Streamlit): what one attachment looks like ------------------------------


def size_text(size: object, lang: str) -> str:
    """A file's size for people: kB under a megabyte, MB with one decimal above.

    >>> size_text(512, "vi"), size_text(48_000, "vi"), size_text(3_400_000, "vi"), size_text(3_400_000, "en")
    ('1 kB', '47 kB', '3,2 MB', '3.2 MB')
    """
    value = 0 if blank(size) else int(size)  # type: ignore[arg-type]
    if value < MIB:
        return f"{number(max(1, round(value / 1024)), lang)} kB"
    return f"{number(value / MIB, lang, 1)} MB"


def moment_text(value: object) -> str:
    """A stored time (UTC; SQLite gives it back without a zone) as Vietnam's local day and hour.

    >>> moment_text(datetime(2026, 12, 1, 3, 5)), moment_text(None)
    ('01/12/2026 10:05', '')
    """
    if blank(value):
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def kind_label(kind: object, lang: str) -> str:
    """What a page calls a kind of file (layers.filekinds), "Tệp" for one it does not know."""
    labels = filekinds.KIND_LABELS.get(str(kind))
    if labels is None:
        return text("att_kind_other", lang)
    return labels[1] if lang == "en" else labels[0]


def kind_limits() -> dict[str, int]:
    """The largest file of each kind, in the order layers.filekinds declares them.

    >>> list(kind_limits())
    ['image', 'document', 'audio', 'video']
    """
    limits: dict[str, int] = {}
    for kind in filekinds.KINDS:
        limits[kind.kind] = max(limits.get(kind.kind, 0), kind.max_bytes)
    return limits


def picker_types() -> list[str]:
    """The file names the upload box offers (a phone's picker shows only these); what a file is
    is still read from its content when it is attached."""
    return list(dict.fromkeys([*(kind.extension for kind in filekinds.KINDS), *EXTENSION_ALIASES]))


def shown_name(row: Mapping, lang: str) -> str:
    """What a person calls the file: its caption, else its original name (plain text, unescaped)."""
    for name in ("caption", "original_name"):
        if not blank(row.get(name)) and str(row.get(name)).strip():
            return str(row.get(name)).strip()
    return text("att_unnamed", lang)


def media_html(row: Mapping, lang: str) -> str:
    """The attachment's picture, player or link as HTML, every text in it escaped; the URLs are
    the app's own routes, built from the attachment's id.

    >>> row = {"id": "a1", "kind": "image", "caption": '<img src=x onerror="alert(1)">', "original_name": "x.png"}
    >>> "onerror=" in media_html(row, "vi") and "&lt;img" in media_html(row, "vi")
    True
    >>> media_html({"id": "a2", "kind": "audio"}, "vi")[:62]
    '<audio controls preload="none" src="/tep/a2" style="width:100%'
    """
    e = html.escape
    url = e(file_url(str(row["id"])))
    name = e(shown_name(row, lang))
    fallback = e(text("att_no_player", lang))
    kind = row.get("kind")
    if kind == "image":
        return (
            f'<a href="{url}" target="_blank" rel="noopener noreferrer">'
            f'<img src="{e(thumbnail_url(str(row["id"])))}" alt="{name}" loading="lazy" '
            f'style="max-width:100%;max-height:240px;height:auto;border-radius:4px;display:block"></a>'
        )
    if kind == "audio":
        return f'<audio controls preload="none" src="{url}" style="width:100%">{fallback}</audio>'
    if kind == "video":
        style = "width:100%;max-height:320px"
        return f'<video controls preload="none" width="100%" src="{url}" style="{style}">{fallback}</video>'
    label = e(text("att_open", lang))
    return f'<a href="{url}" target="_blank" rel="noopener noreferrer">📄 {label}: {name}</a>'


def facts_text(row: Mapping, lang: str) -> str:
    """The attachment's facts in one line of plain text: kind, size, when taken, who added it
    and when, and its marks.

    >>> row = {"kind": "audio", "size": 2_100_000, "author": "qt.tinh", "created_at": datetime(2026, 12, 1, 3, 0),
    ...        "private": True, "shareable": False}
    >>> facts_text(row, "vi")
    'Ghi âm · 2,0 MB · thêm bởi qt.tinh, 01/12/2026 10:00 · Riêng tư'
    """
    parts = [kind_label(row.get("kind"), lang), size_text(row.get("size"), lang)]
    if not blank(row.get("taken_at")):
        parts.append(text("att_taken", lang, when=moment_text(row.get("taken_at"))))
    parts.append(text("att_added", lang, who=str(row.get("author") or "—"), when=moment_text(row.get("created_at"))))
    if row.get("private"):
        parts.append(text("att_private", lang))
    if row.get("shareable"):
        parts.append(text("att_shareable", lang))
    return " · ".join(parts)


def item_html(row: Mapping, lang: str) -> str:
    """One attachment as a small card: its media, its name and its facts, all escaped."""
    e = html.escape
    return (
        f'<div class="bando-attachment" style="margin:0 0 .2rem">{media_html(row, lang)}'
        f'<div style="font-weight:600;margin-top:.3rem;overflow-wrap:anywhere">{e(shown_name(row, lang))}</div>'
        f'<div style="color:#555;font-size:.85rem;overflow-wrap:anywhere">{e(facts_text(row, lang))}</div></div>'
    )


# -- the panel ------------------------------------------------------------------------------


def _may_change(layer: Layer, record: Mapping) -> bool:
    """Whether this person may change the record, so attach and remove files on it."""
    try:
        store().check_write(layer.name, dict(record), viewer())
    except AccessDenied:
        return False
    return True


def _sees_contacts(layer: Layer, record: Mapping) -> bool:
    return access.sees_contacts(viewer(), layer, dict(record))


def _said(key: str, message: str) -> None:
    """Say what a change did after the rerun it causes, and on the reruns after it while the
    same record is shown (a change of position redraws the map, which reruns the page again)."""
    page_key, record_id = key.rsplit("__", 1)
    st.session_state[f"{DONE_KEY}_{page_key}"] = (record_id, message)
    st.rerun()


def _done(page_key: str, record_id: str) -> str | None:
    """What the last change on this page's panel said, while its record is the one shown."""
    done = st.session_state.get(f"{DONE_KEY}_{page_key}")
    if done is None or done[0] == record_id:
        return None if done is None else done[1]
    del st.session_state[f"{DONE_KEY}_{page_key}"]  # another record is shown now
    return None


def _position(row: Mapping) -> tuple[float, float, float | None] | None:
    """The photo's GPS (lat, lon, accuracy in metres or None), when it has one."""
    return attachments.photo_position(dict(row))


def _accuracy(accuracy: float | None) -> int:
    return round(accuracy if accuracy is not None else attachments.PHOTO_UNCERTAINTY_M)


def _is_position(record: Mapping, position: tuple[float, float, float | None]) -> bool:
    """Whether the record already lies where the photo was taken (nothing left to offer)."""
    point = record.get("geometry")
    if point is None or getattr(point, "is_empty", True) or point.geom_type != "Point":
        return False
    return abs(point.y - position[0]) < 1e-6 and abs(point.x - position[1]) < 1e-6


def _gps_line(row: Mapping, position: tuple[float, float, float | None]) -> None:
    lat, lon, accuracy = position
    extra = t("att_accuracy", m=number(_accuracy(accuracy), lang())) if accuracy is not None else ""
    st.caption(plain(t("att_photo_gps", lat=f"{lat:.6f}", lon=f"{lon:.6f}", accuracy=extra)))


def _offer_position(layer: Layer, record: Mapping, row: Mapping, position, key: str) -> None:
    """The button that makes the photo's GPS the report's position: nothing changes unless pressed."""
    lat, lon, accuracy = position
    label = t("att_gps_offer", m=number(_accuracy(accuracy), lang()))
    if not st.button(label, key=f"{key}_gps_{row['id']}", icon=":material/my_location:", width="stretch"):
        return
    try:
        version = int(record.get("version") or 1)
        attachments.use_photo_position(store(), layer.name, str(record["id"]), str(row["id"]), version, viewer())
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    m = number(_accuracy(accuracy), lang())
    _said(key, t("att_gps_used", lat=f"{lat:.6f}", lon=f"{lon:.6f}", m=m, name=shown_name(row, lang())))


def _remove(row: Mapping, key: str) -> None:
    """Remove one attachment, with the reason the history keeps."""
    with st.popover(t("att_remove"), icon=":material/delete:", key=f"{key}_rm_{row['id']}"):
        reason = st.text_input(t("att_remove_reason"), max_chars=500, key=f"{key}_rm_reason_{row['id']}")
        if not st.button(t("att_remove_go"), key=f"{key}_rm_go_{row['id']}", type="primary"):
            return
        try:
            attachments.remove_attachment(store(), str(row["id"]), viewer(), reason)
        except LayersError as exc:
            st.error(plain(str(exc)))
            return
        _said(key, t("att_removed", name=shown_name(row, lang())))


def _public_control(row: Mapping, key: str) -> None:
    """A trip's photo or video on the public progress page, for those with the right to publish
    (others see whether it is shown): shown only with the consent of the people in it."""
    shown = bool(row.get("public"))
    if not viewer().may(access.Right.PUBLISH):
        if shown:
            st.caption(t("sm_media_shown"))
        return
    wanted = st.toggle(t("sm_media_show"), value=shown, key=f"{key}_pub_{row['id']}")
    consent = shown or st.checkbox(t("sm_media_consent"), key=f"{key}_pub_ok_{row['id']}")
    if wanted == shown or (wanted and not consent):
        return
    try:
        attachments.set_public(store(), str(row["id"]), wanted, viewer(), consent=consent)
    except LayersError as exc:
        st.error(plain(str(exc)))
        return
    _said(key, t("sm_media_changed", name=shown_name(row, lang())))


def _item(layer: Layer, record: Mapping, row: Mapping, changeable: bool, contacts: bool, key: str) -> None:
    with st.container(border=True, key=f"{key}_att_{row['id']}"):
        st.html(item_html(row, lang()))
        position = _position(row) if row.get("kind") == "image" and contacts else None
        if position is not None:
            _gps_line(row, position)
            if changeable and "coord_text" in layer.form_fields and not _is_position(record, position):
                _offer_position(layer, record, row, position, key)
        if row.get("kind") in ("audio", "video", "document"):
            st.link_button(t("att_open"), file_url(str(row["id"])), icon=":material/open_in_new:")
        public_kind = layer.name == attachments.PUBLIC_LAYER and row.get("kind") in attachments.PUBLIC_KINDS
        if public_kind and changeable and not row.get("private"):
            _public_control(row, key)
        if changeable:
            _remove(row, key)


def _limits() -> str:
    """The per-kind limits, for the uploader's help line."""
    return ", ".join(
        f"{kind_label(kind, lang()).lower()} {size_text(limit, lang())}" for kind, limit in kind_limits().items()
    )


def _upload(layer: Layer, record: Mapping, key: str) -> None:
    """The form that attaches one file: its size is checked before it is read, its kind is read
    from its content (layers.attachments); a refusal says why and writes nothing."""
    round_key = f"{key}_att_round"  # a new form after each file attached, so it starts empty
    n = st.session_state.get(round_key, 0)
    with st.expander(t("att_upload_title"), icon=":material/attach_file:"):
        with st.form(f"{key}_att_form_{n}", border=False):
            upload = st.file_uploader(
                t("att_file"),
                type=picker_types(),
                key=f"{key}_att_file_{n}",
                help=t("att_file_help", limits=_limits()),
                max_upload_size=max(1, filekinds.MAX_BYTES // MIB),
            )
            caption = st.text_input(t("att_caption"), max_chars=1000, key=f"{key}_att_caption_{n}")
            private = st.checkbox(
                t("att_private_label"), value=bool(layer.private_fields), key=f"{key}_att_private_{n}"
            )
            shareable = st.checkbox(t("att_shareable_label"), key=f"{key}_att_share_{n}")
            sent = st.form_submit_button(t("att_upload_go"), type="primary", icon=":material/upload:")
        if not sent:
            return
        if upload is None:
            st.error(t("att_pick_file"))
            return
        try:
            # Its size and first bytes, before the file is copied and read whole.
            attachments.check_size(upload.name, upload.size, bytes(upload.getbuffer()[:HEAD_BYTES]))
            attachments.attach(
                store(),
                layer.name,
                str(record["id"]),
                upload.getvalue(),
                upload.name,
                viewer(),
                private=private,
                caption=caption.strip() or None,
                shareable=shareable,
            )
        except LayersError as exc:
            st.error(plain(str(exc)))
            return
    st.session_state[round_key] = n + 1
    _said(key, t("att_attached", name=upload.name))


def attachments_panel(layer: Layer, record: Mapping, key: str) -> None:
    """The attachments of one record as the signed-in person may see them, the form that
    attaches a file for those who may change the record, and what the last change did.

    `record` is the record as the page shows it (a row of the person's frame); `key` is unique
    on the page and keeps each record's widgets apart."""
    record_id = str(record["id"])
    page_key, key = key, f"{key}__{record_id}"  # a widget of one record never carries over to the next one shown
    rows = attachments.attachments_of(store(), layer.name, record_id, viewer())
    changeable = _may_change(layer, record)
    contacts = _sees_contacts(layer, record)
    st.markdown(f"**{t('att_title', n=len(rows))}**")
    done = _done(page_key, record_id)
    if done:
        st.success(plain(done), icon=":material/check:")
    if not rows:
        st.caption(t("att_none"))
    for row in rows:
        _item(layer, record, row, changeable, contacts, key)
    if changeable:
        _upload(layer, record, key)
