"""Every UI string, in Vietnamese and English, in one table."""

from __future__ import annotations

LANGUAGES = ("vi", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("Bản đồ Đi tìm đồng đội", "Finding Comrades map"),
    "app_subtitle": (
        "Hội Cựu Thanh niên xung phong Việt Nam · Chiến dịch 500 ngày đêm tìm kiếm, quy tập hài cốt liệt sĩ",
        "Vietnam Former Youth Volunteers Association · 500-day campaign to find and gather martyrs' remains",
    ),
    "language": ("Ngôn ngữ", "Language"),
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
    "layer_provinces": ("Ranh giới 34 tỉnh, thành", "34 provinces"),
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
