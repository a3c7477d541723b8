"""The sites page's paperwork widgets (ui/paperwork_view.py) run by Streamlit's own AppTest on a
real database: a chapter leader makes the dossier (its printing recorded) and records a
hand-over through the form; a partner gets the copy without contacts and no hand-over form."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from layers.access import system
from layers.store import Store
from tests.layers.paperwork import Paperwork, build_paperwork

SCRIPT = """
import streamlit as st
from layers.users import find_user, viewer_of
from ui.state import VIEWER_KEY, store
st.session_state[VIEWER_KEY] = viewer_of(store(), find_user(store(), "{who}"))
from ui.paperwork_view import site_paperwork
site_paperwork(store().record("sites", "{site}", st.session_state[VIEWER_KEY]))
"""


@pytest.fixture
def paperwork(tmp_path, monkeypatch) -> Paperwork:
    monkeypatch.setenv("BANDO_ATTACHMENTS_DIR", str(tmp_path / "files"))
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("BANDO_DB_URL", url)
    st.cache_resource.clear()  # ui.state.store() of another test's database
    yield build_paperwork(Store.open(url))
    st.cache_resource.clear()


def _app(paperwork: Paperwork, who: str) -> AppTest:
    return AppTest.from_string(SCRIPT.format(who=who, site=paperwork.measured), default_timeout=90).run()


def _actions(paperwork: Paperwork, action: str) -> list[dict]:
    return [e for e in paperwork.store.history(paperwork.measured, system()) if e["action"] == action]


def test_a_leader_makes_the_dossier_and_records_a_hand_over_from_the_page(paperwork):
    app = _app(paperwork, "qt.tinh")
    assert not app.exception
    app.button(key=f"pw_make_{paperwork.measured}").click().run()
    assert [c.value for c in app.caption] == ["Bản có thông tin liên hệ nhân chứng — không chuyển cho đối tác."]
    assert [b.label for b in app.get("download_button")] == ["Tải hồ sơ điểm mộ (PDF)"]
    assert [e["changes"] for e in _actions(paperwork, "dossier")] == [{"contacts": [None, True]}]
    app.text_input[0].input("Đội K92")
    app.button[-1].click().run()
    assert not app.exception and not app.error
    assert "Đã ghi nhận bàn giao 1 điểm mộ" in app.success[0].value
    assert paperwork.store.record("sites", paperwork.measured, system())["handed_over_to"] == "Đội K92"
    assert len(_actions(paperwork, "handover")) == 1


def test_a_hand_over_without_a_unit_says_so_and_writes_nothing(paperwork):
    app = _app(paperwork, "qt.tinh")
    app.button[-1].click().run()
    assert "Cần tên đơn vị nhận bàn giao" in app.error[0].value
    assert not _actions(paperwork, "handover")


def test_a_partner_gets_the_copy_without_contacts_and_no_hand_over_form(paperwork):
    app = _app(paperwork, "doitac")
    assert [b.label for b in app.button] == ["Tạo hồ sơ điểm mộ (PDF)"] and not app.checkbox
    app.button[0].click().run()
    assert [c.value for c in app.caption] == ["Bản không có thông tin liên hệ."]
    assert [e["changes"] for e in _actions(paperwork, "dossier")] == [{"contacts": [None, False]}]
