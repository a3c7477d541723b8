"""`python -m layers bulletin` end to end on a demo database made here: the PDF written and,
with --png, one picture per page beside it, the files said as JSON; a wrong --month, or an
account without the right to make campaign reports, ends with one Vietnamese line, exit 2 and
no file written."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from layers.campaign import vietnam_today
from layers.cli import main
from layers.seed import load_demo, seed_reference
from layers.store import Store
from tests.cli_helpers import run_module

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def db_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('bulletin') / 'campaign.sqlite'}"
    store = Store.open(url)
    seed_reference(store)
    load_demo(store, reports=200, seed=3)
    store.engine.dispose()
    return url


def _next_month() -> str:
    today = vietnam_today()
    return f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"


def test_the_bulletin_is_written_with_its_png_pages(db_url, tmp_path):
    out = tmp_path / "ban-tin.pdf"
    done = run_module("layers", "bulletin", "--month", "2026-10", "--out", str(out), "--png", "--db", db_url, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    pages = len(PdfReader(out).pages)
    assert said == {
        "out": str(out),
        "pages": pages,
        "pngs": [str(tmp_path / f"ban-tin-{n}.png") for n in range(1, pages + 1)],
    }
    assert "tháng 10/2026" in PdfReader(out).pages[0].extract_text()
    for name in said["pngs"]:
        with Image.open(name) as image:
            assert image.format == "PNG" and image.width > 800


def test_a_leader_makes_it_in_english_into_a_folder_without_pngs(db_url, tmp_path, capsys):
    assert (
        main(
            [
                "bulletin",
                "--month",
                "2026-09",
                "--out",
                str(tmp_path),
                "--lang",
                "en",
                "--db",
                db_url,
                "--as",
                "demo.tinh",
            ]
        )
        == 0
    )
    said = json.loads(capsys.readouterr().out)
    assert said["out"] == str(tmp_path / "ban-tin_2026-09.pdf") and said["pngs"] == [] and said["pages"] >= 1
    text = PdfReader(io.BytesIO(Path(said["out"]).read_bytes())).pages[0].extract_text()
    assert "September 2026" in text


@pytest.mark.parametrize(
    ("month", "says"),
    [
        ("2027/01", "--month phải có dạng 2027-01"),
        ("2026-13", "--month phải có dạng 2027-01"),
        ("2026-02", "--month phải từ 2026-03"),
        (None, "--month phải từ 2026-03"),  # the month after this one
    ],
)
def test_a_wrong_month_says_so_in_vietnamese_and_writes_nothing(db_url, tmp_path, capsys, month, says):
    out = tmp_path / "b.pdf"
    code = main(["bulletin", "--month", month or _next_month(), "--out", str(out), "--png", "--db", db_url])
    error = capsys.readouterr().err
    assert code == 2 and says in error and error.startswith("Lỗi:") and "Traceback" not in error
    assert list(tmp_path.iterdir()) == []


def test_an_account_without_campaign_reports_may_not_make_it(db_url, tmp_path, capsys):
    code = main(
        ["bulletin", "--month", "2026-10", "--out", str(tmp_path / "b.pdf"), "--db", db_url, "--as", "demo.doi"]
    )
    error = capsys.readouterr().err
    assert code == 2 and "không được làm bản tin tháng" in error
    assert list(tmp_path.iterdir()) == []


def test_the_month_is_required(db_url, tmp_path, capsys):
    assert main(["bulletin", "--out", str(tmp_path / "b.pdf"), "--db", db_url]) == 2
    assert "--month" in capsys.readouterr().err and list(tmp_path.iterdir()) == []
