"""The witness statement PDF read back: pre-filled from the case and the witness, in large print,
on one A4 page, the witness's details only in the copy for someone who may see them, and the
preparing written in the witness's history."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from layers.errors import LayersError
from layers.exporters.statement import BODY_PT, statement_pdf
from layers.recognition import add_case, add_witness
from tests.layers.people import build
from tests.layers.test_recognition import CASE, WITNESS


@pytest.fixture
def case(any_store):
    campaign = build(any_store)
    leader = campaign.viewer("qt.tinh")
    case_id = add_case(any_store, CASE, leader)
    witness_id = add_witness(any_store, case_id, {**WITNESS, "signed_on": "2026-11-20"}, leader)
    return campaign, witness_id


def _read(data: bytes) -> tuple[PdfReader, str, list[tuple[float, str]]]:
    reader = PdfReader(io.BytesIO(data))
    sized: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sized.append((size * tm[0] * cm[0], text))

    text = "\n".join(page.extract_text(visitor_text=visit) for page in reader.pages)
    return reader, text, sized


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_statement_is_prefilled_from_the_case_and_the_witness_in_large_print_on_one_page(case):
    campaign, witness_id = case
    reader, text, sized = _read(statement_pdf(campaign.store, witness_id, campaign.viewer("qt.tinh")))
    flat = _flat(text)
    assert len(reader.pages) == 1 and reader.pages[0].mediabox.height == pytest.approx(841.89, abs=0.1)
    for told in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BẢN XÁC NHẬN CỦA NHÂN CHỨNG",
        "Tôi là: Trần Văn Bảy",
        "Năm sinh: 1950",
        "Địa chỉ: thôn Hà Thanh, Gio Linh",
        "Họ và tên: Nguyễn Văn Thành",
        "Quê quán: Gio Linh, Quảng Trị",
        "Đơn vị: C552",
        "Hy sinh ngày: mùa mưa 1972",
        "Nơi hy sinh: Đường 9, gần Khe Sanh",
        "Hoàn cảnh hy sinh: Bom rơi khi mở đường",
        _flat(WITNESS["statement"]),
        "Tôi xin cam đoan",
        "ngày 20 tháng 11 năm 2026",
        "NGƯỜI XÁC NHẬN",
        "(ký, ghi rõ họ tên)",
        "XÁC NHẬN CỦA UBND XÃ / HỘI CỰU TNXP",
    ):
        assert told in flat, told
    body = [size for size, piece in sized if not piece.startswith("Hồ sơ #")]
    assert body and min(body) >= BODY_PT >= 14


def test_the_copy_for_someone_who_may_not_see_the_witness_has_dotted_lines_instead(case):
    campaign, witness_id = case
    _, text, _ = _read(statement_pdf(campaign.store, witness_id, campaign.viewer("doitac")))
    flat = _flat(text)
    assert "Họ và tên: Nguyễn Văn Thành" in flat and "Tôi cùng tiểu đội" in flat
    for private in ("Trần Văn Bảy", "Hà Thanh", "1950"):
        assert private not in flat
    for dotted in ("Tôi là: .....", "Địa chỉ: .....", "Quan hệ với người hy sinh: ....."):
        assert dotted in flat


def test_preparing_a_statement_is_in_the_witness_history_and_an_unseen_witness_gets_none(case):
    campaign, witness_id = case
    store = campaign.store
    statement_pdf(store, witness_id, campaign.viewer("qt.tinh"))
    entry = store.history(witness_id, campaign.viewer("qt.tinh"))[-1]
    assert (entry["action"], entry["actor"], entry["version"]) == ("statement", "qt.tinh", 1)
    with pytest.raises(LayersError, match="Không có nhân chứng"):
        statement_pdf(store, witness_id, campaign.viewer("na.ghi"))
    assert [e["action"] for e in store.history(witness_id, campaign.viewer("qt.tinh"))] == ["insert", "statement"]


def test_a_long_statement_runs_on_and_keeps_its_signatures_together(case):
    campaign, witness_id = case
    store, leader = campaign.store, campaign.viewer("qt.tinh")
    long = " ".join(["Tôi nhớ rõ đêm ấy trời mưa, đơn vị hành quân qua đèo."] * 60)
    store.update("recognition_witnesses", witness_id, {"statement": long}, "test", 1)
    reader, text, _ = _read(statement_pdf(store, witness_id, leader))
    assert len(reader.pages) >= 2
    last = reader.pages[-1].extract_text()
    assert "NGƯỜI XÁC NHẬN" in last and "Trần Văn Bảy" in last
