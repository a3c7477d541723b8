"""The import page in a real browser: upload, preview, import, rejected rows shown (signed in as
the demo administrator)."""

from pathlib import Path

from tests.browser.conftest import save_screenshot
from tests.browser.helpers import sign_in, wait_until_idle
from tests.layers.importers.test_reports_import import MESSY

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"


def test_uploading_a_messy_file_accounts_for_every_row(fresh_app_url, offline_page, tmp_path):
    page = offline_page
    source = tmp_path / "hoi-quang-tri.csv"
    source.write_bytes(MESSY)
    sign_in(page, fresh_app_url, path="/nhap-du-lieu")
    page.get_by_text("Tải mẫu CSV").wait_for(timeout=60_000)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(source))
    page.get_by_text("Xem trước 8 dòng đầu").wait_for(timeout=60_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Nhập vào cơ sở dữ liệu").click()
    page.get_by_text(
        "Đã đọc 8 dòng: 3 nhận có tọa độ, 0 ước lượng theo địa danh, 2 chưa xác định vị trí, 3 bị loại, 0 trùng đã có."
    ).wait_for(timeout=60_000)
    page.get_by_text("Tải các dòng bị loại (CSV)").first.wait_for(timeout=10_000)
    page.wait_for_timeout(1000)
    save_screenshot(page, "import_page")
    # The same file again: the stored rows are duplicates, the rejected ones are tried again.
    page.get_by_role("button", name="Nhập vào cơ sở dữ liệu").click()
    page.get_by_text(
        "Đã đọc 8 dòng: 0 nhận có tọa độ, 0 ước lượng theo địa danh, 0 chưa xác định vị trí, 3 bị loại, 5 trùng đã có."
    ).wait_for(timeout=60_000)


def test_a_binary_file_gets_a_clear_message(fresh_app_url, offline_page, tmp_path):
    page = offline_page
    source = tmp_path / "anh.csv"
    source.write_bytes(b"\x89PNG\x00\x00\x00binary" * 100)
    sign_in(page, fresh_app_url, path="/nhap-du-lieu")
    page.get_by_text("Tải mẫu CSV").wait_for(timeout=60_000)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(source))
    page.get_by_text("Không đọc được tệp").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0  # no traceback box, only our message


def _upload(page, url: str, source, what: str = "Tin báo") -> None:
    sign_in(page, url, path="/nhap-du-lieu")  # signs in the first time only
    page.get_by_text("Nhập gì?").wait_for(timeout=60_000)
    if what != "Tin báo":
        page.get_by_text(what).click()
        wait_until_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(source))


def test_a_stray_quote_and_a_mixed_encoding_are_said_on_the_page(fresh_app_url, offline_page, tmp_path):
    page = offline_page
    for name in ("csv_mixed_encoding.csv", "csv_stray_quote.csv"):
        source = tmp_path / name
        source.write_bytes((HOSTILE / name).read_bytes())
    _upload(page, fresh_app_url, tmp_path / "csv_mixed_encoding.csv")
    page.get_by_text("được đọc theo bảng mã Windows-1258").wait_for(timeout=60_000)
    _upload(page, fresh_app_url, tmp_path / "csv_stray_quote.csv")
    page.get_by_text("Xem trước 200 dòng đầu").wait_for(timeout=60_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Nhập vào cơ sở dữ liệu").click()
    page.get_by_text(
        "Đã đọc 300 dòng: 299 nhận có tọa độ, 0 ước lượng"
        " theo địa danh, 0 chưa xác định vị trí, 1 bị loại, 0 trùng đã có."
    ).wait_for(timeout=60_000)
    page.get_by_text("Dòng 11 của tệp: dấu ngoặc kép").first.wait_for(state="attached", timeout=10_000)
    save_screenshot(page, "import_stray_quote")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_bad_tracks_of_a_gps_file_are_listed_and_the_good_ones_kept(fresh_app_url, offline_page, tmp_path):
    page = offline_page
    source = tmp_path / "gpx_mixed_tracks.gpx"
    source.write_bytes((HOSTILE / "gpx_mixed_tracks.gpx").read_bytes())
    _upload(page, fresh_app_url, source, "Chuyến tìm kiếm (GPX, KML/KMZ)")
    page.get_by_role("button", name="Nhập vào cơ sở dữ liệu").click()
    page.get_by_text("Các đường đi bị loại: sửa tệp GPS rồi nhập lại").wait_for(timeout=60_000)
    page.get_by_text("Tải các dòng bị loại (CSV)").first.wait_for(timeout=10_000)
    save_screenshot(page, "import_bad_tracks")
    assert page.locator('[data-testid="stException"]').count() == 0
