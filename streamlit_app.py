"""Bản đồ Đi tìm đồng đội: entry point. Page config, language, the signed-in person, navigation.

Served by server.py, whose routes hold the sign-in page; every run reads the session cookie
again, and a run without a signed-in person stops before any data is read.
"""

import html

import streamlit as st

from layers.access import Right
from layers.errors import LayersError
from layers.failures import log_failure
from layers.users import DEMO_PASSWORD, DEMO_USERS
from ui.auth import COOKIE, SIGN_IN_PATH, SIGN_OUT_PATH, viewer_of_cookie
from ui.i18n import LANGUAGES
from ui.pages.records_page import page as layer_page
from ui.state import VIEWER_KEY, lang, store, t

st.set_page_config(page_title=t("app_title"), page_icon="🕯️", layout="wide", initial_sidebar_state="auto")

# A phone (360–412 px): Streamlit stacks the columns by itself below 640 px; these make what is
# left usable by a finger and readable by older eyes (buttons of 40 px or more, larger captions).
PHONE_CSS = """<style>
@media (max-width: 640px) {
  [data-testid="stElementToolbar"] button { min-width: 40px; min-height: 40px; }
  [data-testid="stCaptionContainer"] { font-size: 15px; }
  [data-testid^="stBaseButton"] p, [data-testid="stPageLink"] p, [data-testid="stExpander"] summary p {
    font-size: 16px; }
  [data-testid="stMainBlockContainer"] { padding: 3.5rem 0.75rem 2rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.75rem; }  /* the app's name: the work comes sooner */
  [data-testid="stExpander"] summary { min-height: 44px; }
  [data-testid="stPageLink"] a { min-height: 44px; }
  /* Labels and typed text of 16 px (a phone also zooms the page into a smaller box being typed in). */
  [data-testid="stWidgetLabel"], [data-testid="stWidgetLabel"] p,
  [data-testid="stMain"] input, [data-testid="stMain"] textarea,
  [data-testid="stMain"] [data-baseweb="select"] { font-size: 16px !important; }
}
</style>"""
st.html(PHONE_CSS)

with st.sidebar:
    st.radio(t("language"), LANGUAGES, key="lang", horizontal=True, format_func=lambda code: t(f"language_{code}"))

st.title(t("app_title"))
st.caption(t("app_subtitle"))

try:
    person = viewer_of_cookie(store(), st.context.cookies.get(COOKIE))
except LayersError as exc:
    st.error(t("db_error", e=exc))
    st.stop()
st.session_state.pop(VIEWER_KEY, None)
if person is None:
    st.info(t("signin_needed"))
    st.link_button(t("signin_button"), f"{SIGN_IN_PATH}?lang={lang()}", type="primary")
    st.stop()
st.session_state[VIEWER_KEY] = person

with st.sidebar:
    st.markdown(t("signed_in_as", name=person.display_name or person.username, role=person.role.label(lang())))
    # A plain link in this tab (markdown links open a new one, leaving this tab showing the data).
    st.html(f'<a href="{SIGN_OUT_PATH}?lang={lang()}" target="_self">{html.escape(t("sign_out"))}</a>')

if store().has_demo():
    names = ", ".join(f"{username} ({person_name})" for username, person_name, _role, _chapter in DEMO_USERS)
    st.warning(f"{t('demo_banner')} {t('demo_accounts', password=DEMO_PASSWORD, names=names)}", icon="⚠️")

# Each page (a script, or a layer's page built from its declaration) and the right it needs:
# navigation shows a person only the pages they may use.
PAGES = (
    ("ui/pages/home.py", "page_home", ":material/dashboard:", "tong-quan", (Right.VIEW,)),
    ("ui/pages/work_page.py", "page_work", ":material/checklist:", "viec-can-lam", (Right.EDIT, Right.TRIPS)),
    ("ui/pages/sites_page.py", "page_sites", ":material/join_inner:", "diem-mo", (Right.EDIT,)),
    ("ui/pages/map.py", "page_map", ":material/map:", "ban-do", (Right.VIEW,)),
    ("ui/pages/report_form.py", "page_report_form", ":material/edit_note:", "them-tin-bao", (Right.EDIT,)),
    ("ui/pages/coverage_page.py", "page_coverage", ":material/layers:", "do-phu", (Right.VIEW,)),
    ("ui/pages/trips_page.py", "page_trips", ":material/hiking:", "chuyen-tim-kiem", (Right.TRIPS,)),
    (
        layer_page("recognition_cases"),
        "page_recognition",
        ":material/workspace_premium:",
        "ho-so-cong-nhan",
        (Right.VIEW,),
    ),
    ("ui/pages/reports_page.py", "page_reports", ":material/summarize:", "bao-cao", (Right.CAMPAIGN_REPORTS,)),
    ("ui/pages/commendations_page.py", "cm_page", ":material/military_tech:", "bieu-duong", (Right.COMMEND,)),
    ("ui/pages/import_page.py", "page_import", ":material/upload_file:", "nhap-du-lieu", (Right.IMPORT, Right.TRIPS)),
    ("ui/pages/export_page.py", "page_export", ":material/download:", "xuat-du-lieu", (Right.EXPORT_PARTNER,)),
    ("ui/pages/reference_page.py", "page_reference", ":material/account_balance:", "du-lieu-nen", (Right.REFERENCE,)),
)
pages = [
    st.Page(path, title=t(title), icon=icon, url_path=url, default=url == "tong-quan")
    for path, title, icon, url, rights in PAGES
    if any(person.may(right) for right in rights)
]
try:
    st.navigation(pages, expanded=True).run()  # every page a role has, none behind "View more"
except Exception as exc:  # noqa: BLE001 - no traceback reaches a user; st.rerun and st.stop are not Exceptions
    log_failure("page", exc)
    st.error(t("unexpected_error"))
