"""Every UI string, in Vietnamese and English, in one table."""

from __future__ import annotations

LANGUAGES = ("vi", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("Bản đồ Đi tìm đồng đội", "Finding Comrades map"),
    "app_subtitle": (
        "Hội Cựu Thanh niên xung phong Việt Nam · Chiến dịch 500 ngày đêm tìm kiếm, quy tập hài cốt liệt sĩ",
        "Vietnam Former Youth Volunteers Association · 500-day campaign to find and gather martyrs' remains",
    ),
    "language": ("Ngôn ngữ / Language", "Ngôn ngữ / Language"),
    "language_vi": ("Tiếng Việt", "Tiếng Việt"),
    "language_en": ("English", "English"),
    "page_map": ("Bản đồ", "Map"),
    "demo_banner": (
        "Dữ liệu mẫu: mọi tin báo, tên người và chuyến đi trên bản đồ này là dữ liệu tạo ra để thử, "
        "không phải thông tin thật.",
        "Demo data: every report, name and trip on this map is synthetic test data, not real information.",
    ),
    "reports_shown": (
        "{n} tin báo có tọa độ trên bản đồ · {u} tin báo chưa có tọa độ",
        "{n} located reports on the map · {u} reports not yet located",
    ),
    "layer_reports": ("Tin báo mộ liệt sĩ", "Burial reports"),
    "layer_battlefields": ("Chiến trường xưa", "Former battlefields"),
    "layer_cemeteries": ("Nghĩa trang liệt sĩ", "Martyrs' cemeteries"),
    "layer_trips": ("Chuyến tìm kiếm", "Search trips"),
    "layer_provinces_34": ("Ranh giới 34 tỉnh, thành", "34 provinces"),
    "layer_provinces_63": ("Ranh giới 63 tỉnh cũ (2008–2025)", "63 provinces (2008–2025)"),
    "layer_circles": ("Vòng sai số (khi phóng to)", "Uncertainty circles (zoomed in)"),
    "layer_heat": ("Bản đồ nhiệt", "Heat map"),
    "basemap_osm": ("Bản đồ OpenStreetMap", "OpenStreetMap"),
    "basemap_satellite": ("Ảnh vệ tinh", "Satellite imagery"),
    "basemap_topo": ("Bản đồ địa hình", "Topographic map"),
    "map_count": (
        "{n} tin báo · {located} trên bản đồ · {u} chưa có tọa độ",
        "{n} reports · {located} on the map · {u} not located",
    ),
    "choose": ("Chọn…", "Choose…"),
    "field_historical_place": ("Địa danh lịch sử", "Historical place"),
    "field_province_63": ("Tỉnh cũ (2008–2025)", "Province 2008–2025"),
    "field_coords": ("Tọa độ (WGS84)", "Coordinates (WGS84)"),
    "field_coords_raw": ("Tọa độ gốc", "Coordinates as written"),
    "field_chapter": ("Hội tiếp nhận", "Chapter"),
    "field_witness": ("Nhân chứng", "Witness"),
    "field_witness_phone": ("Điện thoại", "Phone"),
    "field_witness_address": ("Địa chỉ", "Address"),
    "layer_basemap": ("Nền ranh giới (không cần mạng)", "Boundaries basemap (offline)"),
    "field_martyr_names": ("Liệt sĩ", "Martyr(s)"),
    "field_unit": ("Đơn vị", "Unit"),
    "field_period": ("Thời gian", "Period"),
    "field_place": ("Vị trí (lời kể)", "Place as told"),
    "field_province": ("Tỉnh", "Province"),
    "field_status": ("Trạng thái", "Status"),
    "field_uncertainty": ("Sai số", "Uncertainty"),
    "field_name": ("Tên", "Name"),
    "field_team": ("Đội", "Team"),
    "field_dates": ("Ngày", "Dates"),
    "legend_title": ("Trạng thái tin báo", "Report status"),
    "filters": ("Bộ lọc", "Filters"),
    "f_level": ("Ranh giới tỉnh", "Province boundaries"),
    "f_level_34": ("34 tỉnh, thành hiện nay", "Today's 34"),
    "f_level_63": ("63 tỉnh cũ (2008–2025)", "The 63 of 2008–2025"),
    "f_provinces": ("Tỉnh, thành", "Provinces"),
    "f_place": ("Địa danh mọi thời kỳ", "Place name of any era"),
    "f_place_help": ("Ví dụ: Bình Trị Thiên, Vĩnh Linh, Khu 5, quang tri", "E.g. Bình Trị Thiên, Vĩnh Linh, Khu 5"),
    "f_place_found": ("«{q}» → {name} ({era}): {provinces}", "“{q}” → {name} ({era}): {provinces}"),
    "f_units": ("Đơn vị", "Units"),
    "f_unit_text": ("Đơn vị (gõ tự do)", "Unit (free text)"),
    "f_unit_help": ("C552, c 552, Đại đội 552 và ĐĐ C552 là một", "C552, c 552, Đại đội 552 and ĐĐ C552 are the same"),
    "f_preset": ("Thời kỳ", "War"),
    "f_preset_all": ("Tất cả (1945–1989)", "All (1945–1989)"),
    "f_years": ("Năm hy sinh / chôn cất", "Years of death or burial"),
    "f_unknown": ("Gồm tin báo không rõ năm", "Include reports with unknown years"),
    "f_status": ("Trạng thái", "Status"),
    "f_not_searched": ("Chỉ nơi chưa tìm kiếm", "Only not yet searched"),
    "f_chapters": ("Hội tiếp nhận", "Chapters"),
    "f_confidence": ("Độ tin cậy", "Confidence"),
    "f_coords": ("Tọa độ", "Coordinates"),
    "f_coords_any": ("Tất cả", "All"),
    "f_coords_yes": ("Có tọa độ", "Located"),
    "f_coords_no": ("Chưa có tọa độ", "Not located"),
    "f_text": ("Tìm trong tên, mô tả, ghi chú", "Search names, descriptions, notes"),
    "f_layers": ("Lớp hiển thị", "Layers"),
    "f_contacts": ("Hiện liên hệ nhân chứng", "Show witness contacts"),
    "f_area": ("Đang lọc theo vùng vẽ trên bản đồ", "Filtered to the area drawn on the map"),
    "f_area_clear": ("Bỏ vùng chọn", "Clear the area"),
    "f_reset": ("Xóa mọi bộ lọc", "Clear all filters"),
    "table_count": ("{n} tin báo trong bảng", "{n} reports in the table"),
    "table_hint": ("Chọn một dòng để đưa bản đồ tới tin báo đó.", "Select a row to centre the map on it."),
    "detail_title": ("Chi tiết tin báo", "Report details"),
    "detail_hint": (
        "Bấm vào một tin báo trên bản đồ hoặc chọn một dòng trong bảng.",
        "Click a report on the map or select a row in the table.",
    ),
    "detail_no_location": ("Chưa có tọa độ", "Not located yet"),
    "col_code": ("Mã", "Code"),
    "page_import": ("Nhập dữ liệu", "Import"),
    "imp_what": ("Nhập gì?", "What to import"),
    "imp_reports": ("Tin báo (CSV, Excel, GeoJSON, KML/KMZ)", "Reports (CSV, Excel, GeoJSON, KML/KMZ)"),
    "imp_trips": ("Chuyến tìm kiếm (GPX, KML/KMZ)", "Search trips (GPX, KML/KMZ)"),
    "imp_template": (
        "Mẫu nhập liệu: tiêu đề tiếng Việt, có hai dòng ví dụ. Tên cột có dấu hay không dấu, tiếng Việt hay "
        "tiếng Anh đều được nhận; cột không nhận ra thì chọn ở bước ghép cột, hoặc để nguyên: giá trị được giữ "
        "trong Ghi chú.",
        "Import template: Vietnamese headers and two example rows. Headers with or without diacritics, in "
        "Vietnamese or English, are recognised; map any other column below, or leave it: its values are kept in "
        "the notes.",
    ),
    "imp_template_csv": ("Tải mẫu CSV", "Download CSV template"),
    "imp_template_xlsx": ("Tải mẫu Excel", "Download Excel template"),
    "imp_file": ("Chọn tệp", "Choose a file"),
    "imp_sheet": ("Trang tính", "Sheet"),
    "imp_chapter": ("Hội tiếp nhận", "Chapter"),
    "imp_no_chapter": ("(không ghi)", "(none)"),
    "imp_datum": ("Hệ quy chiếu của tọa độ không ghi rõ", "Datum of coordinates that do not say"),
    "imp_datum_auto": (
        "Tự nhận (GPS là WGS84, lưới không múi là Indian 1960)",
        "Automatic (GPS is WGS84, grid squares without zone are Indian 1960)",
    ),
    "imp_mapping": ("Ghép cột", "Column mapping"),
    "imp_skip": ("(không dùng — giữ trong Ghi chú)", "(not used — kept in the notes)"),
    "imp_preview": ("Xem trước {n} dòng đầu", "Preview of the first {n} rows"),
    "imp_col_row": ("Dòng", "Row"),
    "imp_col_raw": ("Tọa độ gốc", "Coordinates as written"),
    "imp_col_lat": ("Vĩ độ", "Latitude"),
    "imp_col_lon": ("Kinh độ", "Longitude"),
    "imp_col_problem": ("Vấn đề", "Problem"),
    "imp_go": ("Nhập vào cơ sở dữ liệu", "Import into the database"),
    "imp_progress": ("Đang nhập {done}/{total} dòng…", "Importing {done}/{total} rows…"),
    "imp_done": (
        "Đã đọc {rows_read} dòng: {accepted} nhận có tọa độ, {unlocated} chưa có tọa độ, {rejected} bị loại, "
        "{duplicates} trùng đã có.",
        "Read {rows_read} rows: {accepted} accepted with coordinates, {unlocated} without coordinates, "
        "{rejected} rejected, {duplicates} already present.",
    ),
    "imp_trips_done": (
        "Đã đọc {rows_read} đường đi: {accepted} chuyến mới, {duplicates} trùng, {rejected} lỗi.",
        "Read {rows_read} tracks: {accepted} new trips, {duplicates} duplicates, {rejected} invalid.",
    ),
    "imp_rejected": ("Các dòng bị loại: sửa rồi nhập lại tệp này", "Rejected rows: fix them and import this file"),
    "imp_rejected_download": ("Tải các dòng bị loại (CSV)", "Download the rejected rows (CSV)"),
    "imp_all_rejected": ("Mọi dòng bị loại đã lưu ({n})", "All stored rejected rows ({n})"),
    "imp_team": ("Đội tìm kiếm", "Team"),
    "imp_sweep": ("Bề rộng dò tìm mỗi bên (m)", "Sweep width each side (m)"),
    "imp_unreadable": ("Không đọc được tệp: {e}", "The file could not be read: {e}"),
    "db_error": ("Không mở được cơ sở dữ liệu: {e}", "The database could not be opened: {e}"),
    "unexpected_error": (
        "Đã có lỗi không mong đợi; dữ liệu không bị thay đổi. Hãy tải lại trang.",
        "Something unexpected went wrong; no data was changed. Please reload the page.",
    ),
}


def text(key: str, lang: str = "vi", **values: object) -> str:
    """The string `key` in `lang` ('vi' or 'en'), with {placeholders} filled."""
    vi, en = STRINGS[key]
    template = en if lang == "en" else vi
    return template.format(**values) if values else template
