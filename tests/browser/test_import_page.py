"""The import page in a real browser: upload, preview, import, rejected rows shown."""

from tests.browser.conftest import save_screenshot
from tests.browser.helpers import wait_until_idle
from tests.layers.importers.test_reports_import import MESSY


def test_uploading_a_messy_file_accounts_for_every_row(fresh_app_url, offline_page, tmp_path):
    page = offline_page
    source = tmp_path / "hoi-quang-tri.csv"
    source.write_bytes(MESSY)
    page.goto(f"{fresh_app_url}/nhap-du-lieu")
    page.get_by_text("Tải mẫu CSV").wait_for(timeout=60_000)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(source))
    page.get_by_text("Xem trước 8 dòng đầu").wait_for(timeout=60_000)
    wait_until_idle(page)
    page.get_by_role("button", name="Nhập vào cơ sở dữ liệu").click()
    page.get_by_text("Đã đọc 8 dòng: 3 nhận có tọa độ, 2 chưa có tọa độ, 3 bị loại, 0 trùng đã có.").wait_for(
        timeout=60_000
    )
    page.get_by_text("Tải các dòng bị loại (CSV)").first.wait_for(timeout=10_000)
    page.wait_for_timeout(1000)
    save_screenshot(page, "import_page")
    # The same file again: the stored rows are duplicates, the rejected ones are tried again.
    page.get_by_role("button", name="Nhập vào cơ sở dữ liệu").click()
    page.get_by_text("Đã đọc 8 dòng: 0 nhận có tọa độ, 0 chưa có tọa độ, 3 bị loại, 5 trùng đã có.").wait_for(
        timeout=60_000
    )


def test_a_binary_file_gets_a_clear_message(fresh_app_url, offline_page, tmp_path):
    page = offline_page
    source = tmp_path / "anh.csv"
    source.write_bytes(b"\x89PNG\x00\x00\x00binary" * 100)
    page.goto(f"{fresh_app_url}/nhap-du-lieu")
    page.get_by_text("Tải mẫu CSV").wait_for(timeout=60_000)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(source))
    page.get_by_text("Không đọc được tệp").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0  # no traceback box, only our message
