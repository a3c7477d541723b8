"""Bản đồ Đi tìm đồng đội: entry point. Page config, language switch and navigation only."""

import streamlit as st

from layers.errors import LayersError
from layers.failures import log_failure
from ui.i18n import LANGUAGES
from ui.state import store, t

st.set_page_config(page_title=t("app_title"), page_icon="🕯️", layout="wide")

with st.sidebar:
    st.radio(t("language"), LANGUAGES, key="lang", horizontal=True, format_func=lambda code: t(f"language_{code}"))

st.title(t("app_title"))
st.caption(t("app_subtitle"))

try:
    store()
except LayersError as exc:
    st.error(t("db_error", e=exc))
    st.stop()

pages = [
    st.Page("ui/pages/home.py", title=t("page_home"), icon=":material/dashboard:", url_path="tong-quan", default=True),
    st.Page("ui/pages/map.py", title=t("page_map"), icon=":material/map:", url_path="ban-do"),
    st.Page("ui/pages/coverage_page.py", title=t("page_coverage"), icon=":material/layers:", url_path="do-phu"),
    st.Page("ui/pages/reports_page.py", title=t("page_reports"), icon=":material/summarize:", url_path="bao-cao"),
    st.Page("ui/pages/import_page.py", title=t("page_import"), icon=":material/upload_file:", url_path="nhap-du-lieu"),
    st.Page("ui/pages/export_page.py", title=t("page_export"), icon=":material/download:", url_path="xuat-du-lieu"),
]
try:
    st.navigation(pages).run()
except Exception as exc:  # noqa: BLE001 - no traceback reaches a user; st.rerun and st.stop are not Exceptions
    log_failure("page", exc)
    st.error(t("unexpected_error"))
