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
    "signin_title": ("Đăng nhập để làm việc với dữ liệu của Hội", "Sign in to work with the association's data"),
    "signin_username": ("Tên đăng nhập", "User name"),
    "signin_password": ("Mật khẩu", "Password"),
    "signin_button": ("Đăng nhập", "Sign in"),
    "signin_demo": (
        "Máy chủ này đang có dữ liệu mẫu. Tài khoản mẫu (mật khẩu «{password}»), chỉ xem và sửa dữ liệu mẫu:",
        "This server holds demo data. Demo accounts (password “{password}”), which see and change demo data only:",
    ),
    "signin_expired": (
        "Trang đăng nhập đã cũ; hãy nhập lại tên và mật khẩu.",
        "The sign-in page had expired; please enter your name and password again.",
    ),
    "signin_wrong": ("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong user name or password."),
    "signin_locked": (
        "Tài khoản tạm khóa sau nhiều lần nhập sai mật khẩu; hãy thử lại sau ít phút.",
        "The account is locked for a while after repeated wrong passwords; try again in a few minutes.",
    ),
    "signin_disabled": (
        "Tài khoản đã bị khóa; hãy liên hệ người quản trị.",
        "The account is disabled; please contact the administrator.",
    ),
    "signin_too_big": ("Biểu mẫu đăng nhập quá lớn.", "The sign-in form is too large."),
    "signin_needed": ("Cần đăng nhập để xem trang này.", "Please sign in to see this page."),
    "signed_in_as": ("Đăng nhập: **{name}** · {role}", "Signed in: **{name}** · {role}"),
    "sign_out": ("Đăng xuất", "Sign out"),
    "demo_accounts": (
        "Tài khoản mẫu (mật khẩu «{password}»): {names}. Chúng chỉ xem và sửa dữ liệu mẫu và bị xóa cùng dữ liệu mẫu.",
        "Demo accounts (password “{password}”): {names}. They see and change demo data only, and go with it.",
    ),
    "demo_banner": (
        "Dữ liệu mẫu: mọi tin báo, tên người và chuyến đi trên bản đồ này là dữ liệu tạo ra để thử, "
        "không phải thông tin thật.",
        "Demo data: every report, name and trip on this map is synthetic test data, not real information.",
    ),
    "reports_shown": (
        "{n} tin báo có tọa độ trên bản đồ · {approx} tin báo ước lượng theo địa danh · "
        "{u} tin báo chưa xác định vị trí",
        "{n} reports with coordinates on the map · {approx} estimated from the place name · {u} not located",
    ),
    "layer_reports": ("Tin báo mộ liệt sĩ", "Burial reports"),
    "layer_battlefields": ("Chiến trường xưa", "Former battlefields"),
    "layer_cemeteries": ("Nghĩa trang liệt sĩ", "Martyrs' cemeteries"),
    "layer_trips": ("Chuyến tìm kiếm", "Search trips"),
    "layer_provinces_34": ("Ranh giới 34 tỉnh, thành", "34 provinces"),
    "layer_provinces_63": ("Ranh giới 63 tỉnh cũ (2008–2025)", "63 provinces (2008–2025)"),
    "layer_circles": ("Vòng sai số (khi phóng to)", "Uncertainty circles (zoomed in)"),
    "layer_areas": ("Vùng ước lượng theo địa danh", "Areas estimated from place names"),
    "layer_heat": ("Bản đồ nhiệt", "Heat map"),
    "basemap_osm": ("Bản đồ OpenStreetMap", "OpenStreetMap"),
    "basemap_satellite": ("Ảnh vệ tinh", "Satellite imagery"),
    "basemap_topo": ("Bản đồ địa hình", "Topographic map"),
    "map_count": (
        "{n} tin báo · {located} có tọa độ · {approx} ước lượng theo địa danh · {u} chưa xác định",
        "{n} reports · {located} with coordinates · {approx} estimated from the place name · {u} not located",
    ),
    "map_areas_hidden": (
        "{n} vùng ước lượng — phóng to để xem",
        "{n} estimated areas — zoom in to see them",
    ),
    "area_tip": ("Ước lượng theo địa danh", "Estimated from the place name"),
    "area_no_place": ("địa danh không rõ", "place not named"),
    "area_radius": ("Bán kính ước lượng", "Estimated radius"),
    "area_shared": ("{n} tin báo cùng vùng này", "{n} reports share this area"),
    "map_grouped": (
        "Đang gộp {v} tin báo trong vùng nhìn theo ô; phóng to để thấy từng tin báo.",
        "{v} reports in view are grouped by area; zoom in to see each report.",
    ),
    "map_cell_tip": ("{n} tin báo ở đây; bấm để phóng to", "{n} reports here; click to zoom in"),
    "map_trips_hidden": (
        "{n} chuyến tìm kiếm trong vùng nhìn: phóng to để vẽ.",
        "{n} search trips in view: zoom in to draw them.",
    ),
    "cov_dots_capped": (
        "Bản đồ vẽ {shown} tin báo (những nơi chưa tới trước); {hidden} tin báo khác không vẽ. "
        "Chọn một tỉnh để xem hết.",
        "The map draws {shown} reports (unreached first); {hidden} others are not drawn. "
        "Choose a province to see them all.",
    ),
    "table_capped": (
        "Bảng hiện {shown} tin báo đầu tiên trong {n}. Thu hẹp bộ lọc hoặc xuất dữ liệu để xem hết.",
        "The table shows the first {shown} of {n} reports. Narrow the filter or export to see them all.",
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
    "f_districts": ("Huyện (2008–2025)", "District (2008–2025)"),
    "f_districts_help": (
        "Các huyện của tỉnh đã chọn ở trên (chưa chọn tỉnh: cả nước); gõ vài chữ của tên, có dấu, để tìm.",
        "The districts of the provinces chosen above (none chosen: the whole country); type part of the name, "
        "with its diacritics, to search.",
    ),
    "f_communes": ("Xã (2008–2025)", "Commune (2008–2025)"),
    "f_communes_help": ("Các xã của những huyện đã chọn.", "The communes of the districts chosen."),
    "f_communes_34": ("Xã (hiện nay)", "Commune (today)"),
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
    "detail_position": ("Vị trí", "Position"),
    "detail_area": (
        "ước lượng theo địa danh — {place}, bán kính {radius}",
        "estimated from the place name — {place}, radius {radius}",
    ),
    "detail_admin": ("Xã, huyện (2008–2025)", "Commune, district (2008–2025)"),
    "detail_today": ("nay là {name}", "today {name}"),
    "detail_nearest": ("theo tâm xã gần nhất, gần đúng", "by the nearest commune centre, approximate"),
    "field_district": ("Huyện (2008–2025)", "District (2008–2025)"),
    "field_commune_63": ("Xã (2008–2025)", "Commune (2008–2025)"),
    "field_commune_34": ("Xã (hiện nay)", "Commune (today)"),
    "col_district": ("Huyện", "District"),
    "col_commune": ("Xã", "Commune"),
    "detail_history": ("Lịch sử ({n})", "History ({n})"),
    "hist_insert": ("Tạo", "Created"),
    "hist_update": ("Sửa", "Edited"),
    "hist_status": ("Đổi trạng thái", "Status changed"),
    "hist_delete": ("Xóa", "Deleted"),
    "hist_restore": ("Khôi phục", "Restored"),
    "hist_purge": ("Xóa hẳn", "Purged"),
    "hist_import": ("Nhập từ tệp", "Imported from a file"),
    "hist_lock": ("Tạm khóa", "Locked"),
    "col_code": ("Mã", "Code"),
    "page_import": ("Nhập dữ liệu", "Import"),
    "page_export": ("Xuất dữ liệu", "Export"),
    "page_coverage": ("Độ phủ tìm kiếm", "Search coverage"),
    "page_reports": ("Báo cáo chiến dịch", "Campaign reports"),
    "page_home": ("Tổng quan", "Overview"),
    "rep_chapter": ("Đơn vị báo cáo", "Reporting body"),
    "rep_period": ("Kỳ báo cáo", "Period"),
    "rep_custom": ("Khoảng ngày tùy chọn", "Custom dates"),
    "rep_dates": ("Từ ngày – đến ngày", "From – to"),
    "rep_pick_dates": ("Chọn ngày đầu và ngày cuối.", "Choose the first and the last day."),
    "rep_compare": (
        "Kỳ này {start} – {end}, so với kỳ trước {pstart} – {pend} (mũi tên: thay đổi).",
        "This period {start} – {end}, against the previous one {pstart} – {pend} (arrows: change).",
    ),
    "rep_first": (
        "Kỳ {start} – {end}: kỳ báo cáo đầu tiên của chiến dịch.",
        "{start} – {end}: the campaign's first report.",
    ),
    "rep_xlsx": ("Tải báo cáo Excel (XLSX)", "Download the report (XLSX)"),
    "rep_pdf": ("Tải báo cáo PDF", "Download the report (PDF)"),
    "rep_chart": ("Tin báo tiếp nhận theo tỉnh", "Reports received by province"),
    "rep_map": ("Bản đồ kỳ báo cáo", "Map of the period"),
    "rep_by_province": ("Theo tỉnh, thành", "By province"),
    "rep_by_unit": ("Theo đơn vị", "By unit"),
    "home_title": ("Chiến dịch 500 ngày đêm: tổng quan", "The 500-day campaign: overview"),
    "home_days_left": ("Số ngày còn lại đến {day}", "Days left to {day}"),
    "home_totals": ("Toàn Hội đến nay", "The whole association so far"),
    "home_totals_scoped": (
        "Đến nay, trong phạm vi tài khoản của bạn (Hội của bạn và các tin báo về tỉnh của Hội)",
        "So far, within your account's reach (your chapter and the reports about its province)",
    ),
    "home_reports": ("Tin báo", "Reports"),
    "home_located": ("Có tọa độ", "With coordinates"),
    "home_approximate": ("Ước lượng theo địa danh", "Estimated from the place name"),
    "home_unlocated": ("Chưa xác định vị trí", "Not located"),
    "home_trips": ("Chuyến đã đi", "Trips made"),
    "home_remains": ("Hài cốt tìm thấy", "Remains found"),
    "home_identified": ("Đã xác định danh tính", "Identified"),
    "home_period": ("Kỳ 6 tháng hiện tại: {start} – {end}", "Current six-month period: {start} – {end}"),
    "home_period_hint": (
        "So với kỳ trước {pstart} – {pend}; kỳ hiện tại chưa kết thúc nên số liệu còn tăng.",
        "Against the previous period {pstart} – {pend}; the current period is not over, so its figures still grow.",
    ),
    "home_targets": ("Mục tiêu quốc gia đã công bố", "Published national targets"),
    "home_target": ("Mục tiêu", "Target"),
    "home_value": ("Số lượng", "Figure"),
    "home_when": ("Thời hạn", "When"),
    "home_source": ("Nguồn", "Source"),
    "home_as_of": ("Ngày công bố", "Published"),
    "home_targets_note": (
        "Mục tiêu giai đoạn 1 (01/2026 – 07/2027) của Chương trình 2026–2030 do Ban Chỉ đạo quốc gia 515 thông "
        "qua ngày 3/3/2026; là mục tiêu cả nước, không phải riêng của Hội.",
        "Phase 1 (Jan 2026 – Jul 2027) targets of the 2026–2030 programme adopted by the National Steering "
        "Committee 515 on 3 March 2026; national targets, not the association's own.",
    ),
    "cov_level": ("Chia theo", "By"),
    "cov_level_34": ("34 tỉnh, thành hiện nay", "Today's 34 provinces"),
    "cov_level_63": ("63 tỉnh, thành (2008–2025)", "The 63 provinces (2008–2025)"),
    "cov_measure": ("Tô màu theo", "Colour by"),
    "cov_measure_searched_pct": ("% tin báo có tọa độ đã được rà tới", "% of located reports reached by a search"),
    "cov_measure_unvisited": ("Tin báo chưa có chuyến nào tới", "Reports no trip has reached"),
    "cov_measure_reports": ("Số tin báo", "Reports"),
    "cov_measure_located": ("Tin báo có tọa độ", "Located reports"),
    "cov_measure_searched": ("Tin báo đã được rà tới", "Reports reached"),
    "cov_measure_searched_km2": ("Diện tích đã rà (km²)", "Area searched (km²)"),
    "cov_measure_trips": ("Chuyến đã đi", "Trips made"),
    "cov_measure_remains_found": ("Hài cốt tìm thấy", "Remains found"),
    "cov_measure_identified": ("Đã xác định danh tính", "Identified"),
    "cov_hexagons": ("Mật độ tin báo (lưới lục giác H3)", "Report density (H3 hexagons)"),
    "cov_hexagons_help": (
        "Ô lục giác nhỏ dần khi phóng to bản đồ; màu đậm là nhiều tin báo.",
        "Hexagons get smaller as you zoom in; darker means more reports.",
    ),
    "cov_hex_count": ("Số tin báo", "Reports"),
    "cov_working": ("Đang tính độ phủ…", "Computing coverage…"),
    "cov_m_reports": ("Tin báo", "Reports"),
    "cov_m_located": ("Có tọa độ", "With coordinates"),
    "cov_m_approximate": ("Ước lượng theo địa danh", "Estimated from the place name"),
    "cov_positions_note": (
        "Độ phủ chỉ tính {located} tin báo có tọa độ; {approx} tin báo ước lượng theo địa danh và {u} tin báo "
        "chưa xác định vị trí không được tính vào độ phủ.",
        "Coverage counts only the {located} reports with coordinates; {approx} reports estimated from the "
        "place name and {u} not located are left out of it.",
    ),
    "cov_m_reached": ("Đã có chuyến rà tới", "Reached by a search"),
    "cov_m_unvisited": ("Chưa có chuyến nào tới", "Not yet reached"),
    "cov_m_km2": ("Diện tích đã rà (km²)", "Area searched (km²)"),
    "cov_layer_areas": ("Vùng đã rà (vết GPS ± bề rộng dò tìm)", "Searched area (GPS track ± sweep width)"),
    "cov_layer_reports": ("Tin báo theo độ phủ", "Reports by coverage"),
    "cov_state_not_visited": ("chưa có chuyến nào tới", "not yet reached"),
    "cov_state_in_searched_area": ("nằm trong vùng đã rà", "inside a searched area"),
    "cov_state_linked": ("đã có chuyến tìm kiếm riêng", "searched by a trip for it"),
    "cov_state_searched_by_status": ("đã tìm (theo trạng thái tin báo)", "searched (by the report's status)"),
    "cov_state_duplicate": ("trùng lặp", "duplicate"),
    "cov_legend": (
        "Chấm đỏ lớn: tin báo chưa có chuyến nào tới. Chấm xám: nằm trong vùng đã rà. Chấm xanh: đã có "
        "chuyến tìm kiếm riêng (xanh nhạt: trạng thái ghi đã tìm, chuyến đi không có vết GPS). Vùng xanh: "
        "vết GPS của các chuyến đã đi, mở rộng theo bề rộng dò tìm.",
        "Large red dots: reports no trip has reached. Grey: inside a searched area. Green: searched by a "
        "trip for it (light green: the status says searched, the trip has no GPS track). Green areas: GPS "
        "tracks of trips made, widened by the sweep width.",
    ),
    "cov_unvisited_title": ("{n} tin báo có tọa độ chưa có chuyến nào tới", "{n} located reports no trip has reached"),
    "cov_by_province": ("Theo tỉnh, thành", "By province"),
    "exp_view_button": ("Xuất vùng đang xem", "Export this view"),
    "exp_view_title": ("Xuất vùng đang xem", "Export this view"),
    "exp_scope": (
        "**Phạm vi đang xem** (theo bộ lọc và vùng vẽ ở trang Bản đồ):",
        "**Current view** (filters and drawn area on the Map page):",
    ),
    "exp_scope_hint": (
        "Muốn đổi phạm vi, hãy chọn tỉnh, đơn vị, thời gian hoặc vẽ vùng ở trang Bản đồ rồi quay lại.",
        "To change what is exported, set the province, unit, period or draw an area on the Map page.",
    ),
    "exp_layers": ("Lớp cần xuất", "Layers to export"),
    "exp_format": ("Định dạng tệp", "File format"),
    "exp_for_teams": ("cho đội thực địa", "for field teams"),
    "exp_for_partners": ("cho đối tác, văn phòng", "for partners and offices"),
    "fmt_gpx": ("GPX – máy GPS Garmin, OsmAnd", "GPX – Garmin GPS, OsmAnd"),
    "fmt_kmz": ("KMZ – Google Earth, Organic Maps", "KMZ – Google Earth, Organic Maps"),
    "fmt_kml": ("KML – Google Earth", "KML – Google Earth"),
    "fmt_pdf": ("PDF – phiếu thực địa để in", "PDF – printable field sheet"),
    "fmt_geojson": ("GeoJSON – QGIS, đối tác", "GeoJSON – QGIS, partners"),
    "fmt_gpkg": ("GeoPackage – QGIS", "GeoPackage – QGIS"),
    "fmt_shp": ("Shapefile (zip)", "Shapefile (zip)"),
    "fmt_csv": ("CSV – bảng tính", "CSV – spreadsheet"),
    "fmt_xlsx": ("Excel (XLSX)", "Excel (XLSX)"),
    "exp_audience": ("Người nhận", "Recipient"),
    "exp_audience_partner": ("Đối tác – không có thông tin nhân chứng", "Partner – no witness details"),
    "exp_audience_team": ("Đội tìm kiếm – có liên hệ nhân chứng", "Search team – with witness contacts"),
    "exp_no_contacts": (
        "Tệp không chứa thông tin nhân chứng (bản cho đối tác).",
        "Files carry no witness details (the partners' version).",
    ),
    "exp_count_located": (
        "{layer}: {n} ({k} có tọa độ, vào tệp bản đồ)",
        "{layer}: {n} ({k} located, in the map file)",
    ),
    "exp_team_warning": (
        "Tệp này có họ tên, điện thoại, địa chỉ nhân chứng: chỉ gửi cho đội tìm kiếm, không gửi đối tác.",
        "This file holds witnesses' names, phones and addresses: for the search team only, never partners.",
    ),
    "exp_ascii": ("Tên không dấu (máy Garmin đời cũ)", "Names without diacritics (older Garmin units)"),
    "exp_ascii_help": (
        "Máy GPS cũ hiện sai chữ có dấu: Đồng Lộc → Dong Loc.",
        "Older GPS units garble Vietnamese letters: Đồng Lộc → Dong Loc.",
    ),
    "exp_pick_layer": ("Hãy chọn ít nhất một lớp.", "Choose at least one layer."),
    "exp_make": ("Tạo tệp", "Make the file"),
    "exp_working": ("Đang tạo tệp ({n} đối tượng)…", "Making the file ({n} features)…"),
    "exp_ready": ("Đã tạo «{name}»: {written}.", "Made “{name}”: {written}."),
    "exp_download": ("Tải về {name}", "Download {name}"),
    "exp_failed": ("Không tạo được tệp: {e}", "The file could not be made: {e}"),
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
    "imp_col_area": ("Ước lượng theo địa danh", "Estimated from the place name"),
    "imp_go": ("Nhập vào cơ sở dữ liệu", "Import into the database"),
    "imp_progress": ("Đang nhập {done}/{total} dòng…", "Importing {done}/{total} rows…"),
    "imp_done": (
        "Đã đọc {rows_read} dòng: {accepted} nhận có tọa độ, {approximate} ước lượng theo địa danh, "
        "{unlocated} chưa xác định vị trí, {rejected} bị loại, {duplicates} trùng đã có.",
        "Read {rows_read} rows: {accepted} accepted with coordinates, {approximate} estimated from the place "
        "name, {unlocated} not located, {rejected} rejected, {duplicates} already present.",
    ),
    "imp_trips_done": (
        "Đã đọc {rows_read} đường đi: {accepted} chuyến mới, {duplicates} trùng, {rejected} lỗi.",
        "Read {rows_read} tracks: {accepted} new trips, {duplicates} duplicates, {rejected} invalid.",
    ),
    "imp_rejected": ("Các dòng bị loại: sửa rồi nhập lại tệp này", "Rejected rows: fix them and import this file"),
    "imp_rejected_trips": (
        "Các đường đi bị loại: sửa tệp GPS rồi nhập lại",
        "Rejected tracks: fix the GPS file and import it again",
    ),
    "imp_fix_datum": (
        "Đọc lại tọa độ các dòng đã nhập theo hệ quy chiếu này",
        "Re-read the coordinates of rows imported before on this datum",
    ),
    "imp_fix_datum_help": (
        "Dùng khi đã nhập tệp này trước đây với hệ quy chiếu sai: các tin báo đó được sửa tọa độ, không thêm bản mới.",
        "For a file imported before on the wrong datum: those reports get corrected coordinates; none is added.",
    ),
    "imp_rejected_download": ("Tải các dòng bị loại (CSV)", "Download the rejected rows (CSV)"),
    "imp_all_rejected": ("Mọi dòng bị loại đã lưu ({n})", "All stored rejected rows ({n})"),
    "imp_team": ("Đội tìm kiếm", "Team"),
    "imp_sweep": ("Bề rộng dò tìm mỗi bên (m)", "Sweep width each side (m)"),
    "imp_unreadable": ("Không đọc được tệp: {e}", "The file could not be read: {e}"),
    # -- the record form (ui/record_form.py), the report page, the workflow in the detail panel --
    "page_report_form": ("Thêm tin báo", "Add a report"),
    "form_title_new": ("Thêm tin báo", "Add a report"),
    "form_hint_new": (
        "Ghi lại lời kể như người kể nói: liệt sĩ, nơi chôn cất, thời gian, nhân chứng, nguồn tin. "
        "Tọa độ nhận mọi dạng như khi nhập tệp; bấm lên bản đồ nhỏ để đặt điểm.",
        "Write the account down as it is told: the martyr, the place, when, the witness, the source. "
        "The coordinate box takes every form a file may hold; click the small map to set the point.",
    ),
    "form_title_edit": ("Sửa tin báo {code}", "Edit report {code}"),
    "form_back_to_map": ("Về bản đồ", "Back to the map"),
    "form_no_record": (
        "Không có tin báo này, hoặc bạn không được xem nó.",
        "There is no such report, or you may not see it.",
    ),
    "form_coordinates": ("Tọa độ", "Coordinates"),
    "form_coord_help": (
        "Ví dụ: 16.7469, 107.1944 · 16°44'49\"N 107°11'40\"E · XD 850 418 (lưới bản đồ cũ) · "
        "X=1852798 Y=598960 (VN-2000)",
        "For example: 16.7469, 107.1944 · 16°44'49\"N 107°11'40\"E · XD 850 418 (old map grid) · "
        "X=1852798 Y=598960 (VN-2000)",
    ),
    "form_province_help": (
        "Tên tỉnh của bất kỳ thời kỳ nào (ví dụ Bình Trị Thiên, Quảng Trị); có tọa độ thì tỉnh lấy theo điểm.",
        "A province name of any era (e.g. Bình Trị Thiên, Quảng Trị); with a point, the province comes from it.",
    ),
    "form_preview": ("Vị trí đọc được", "Position as read"),
    "form_no_point": ("Chưa có điểm trên bản đồ.", "No point on the map yet."),
    # ui/record_form.py (another helper's) asks for it: {km} comes formatted by the caller.
    "form_area": (
        "Chưa có tọa độ: vị trí ước lượng theo địa danh — {place}, bán kính khoảng {km} km.",
        "No coordinates: position estimated from the place name — {place}, radius about {km} km.",
    ),
    "form_save": ("Lưu", "Save"),
    "form_saved": ("Đã lưu {code}.", "Saved {code}."),
    "detail_edit": ("Sửa", "Edit"),
    "detail_duplicate_of": ("Trùng với tin báo", "Duplicate of report"),
    "detail_duplicates": ("Tin báo trùng với tin này", "Reports repeating this one"),
    "step_title": ("Chuyển trạng thái", "Move to the next step"),
    "step_target": ("Bước tiếp theo", "Next step"),
    "step_note": ("Ghi chú (cách đã kiểm tra, lý do)", "Note (how it was checked, why)"),
    "step_trip": ("Chuyến tìm kiếm", "Search trip"),
    "step_no_trip": (
        "Chưa có chuyến tìm kiếm nào đang dự kiến; hãy lên kế hoạch ở trang Chuyến tìm kiếm.",
        "No planned search trip yet; plan one on the Search trips page.",
    ),
    "step_remains": ("Số hài cốt tìm thấy", "Remains found"),
    "step_reference": ("Căn cứ xác định danh tính (kết quả ADN, hồ sơ)", "Identification (DNA result, record)"),
    "step_duplicate": ("Mã tin báo gốc", "Code of the original report"),
    "step_button": ("Chuyển", "Move"),
    "step_done": ("Đã chuyển sang «{status}».", "Moved to “{status}”."),
    "step_unknown_report": ("Không có tin báo mã «{code}».", "No report with code “{code}”."),
    "page_reference": ("Dữ liệu nền", "Reference data"),
    "ref_title": ("Chiến trường xưa và nghĩa trang liệt sĩ", "Former battlefields and martyrs' cemeteries"),
    "ref_hint": (
        "Thêm hoặc sửa một bản ghi; mỗi lần sửa ghi rõ nguồn (trường «Nguồn»), lịch sử giữ lại mọi lần sửa.",
        "Add or correct a record; every correction names its source (the Source field); the history keeps them all.",
    ),
    "ref_layer": ("Lớp", "Layer"),
    "ref_new": ("Thêm mới", "Add new"),
    "ref_pick": ("Chọn một dòng trong bảng để sửa, hoặc thêm mới.", "Pick a row in the table to correct, or add new."),
    "page_work": ("Việc cần làm", "To do"),
    "hist_referral": ("Trả lời tin báo chuyển đến", "Referral answered"),
    "work_intro": (
        "Việc gấp trước (nhân chứng cao tuổi hoặc yếu: lời kể có thể sớm mất), rồi việc chờ lâu nhất.",
        "Urgent items first (an elderly or frail witness, whose account may soon be lost), then the longest waiting.",
    ),
    "work_total": ("{n} việc đang chờ, {urgent} việc gấp", "{n} items waiting, {urgent} urgent"),
    "work_none": ("Không có việc nào đang chờ bạn.", "Nothing is waiting for you."),
    "work_kind_empty": ("Không có việc nào.", "Nothing here."),
    "work_count": ("{n} việc", "{n} items"),
    "work_count_urgent": ("{n} việc, {urgent} gấp", "{n} items, {urgent} urgent"),
    "work_more": (
        "Đang hiện {shown} việc đầu trong {n}; xem hết bằng lệnh: python -m layers work --as TÊN",
        "Showing the first {shown} of {n}; see them all with: python -m layers work --as NAME",
    ),
    "work_since": ("chờ từ {day}", "waiting since {day}"),
    "work_from": ("Chuyển đến từ {chapter}", "Referred by {chapter}"),
    "work_returned_by": ("{chapter} trả lại, lý do: {reason}", "Sent back by {chapter}, reason: {reason}"),
    "work_duplicate_of": ("Có thể trùng với tin báo #{code}", "May repeat report #{code}"),
    "work_reason": ("Ghi chú; khi trả lại, ghi lý do", "Note; when sending back, the reason"),
    "work_accept": ("Nhận", "Accept"),
    "work_open": ("Mở tin báo", "Open the report"),
    "work_open_trip": ("Mở chuyến tìm kiếm", "Open the trip"),
    "work_return": ("Trả lại", "Send back"),
    "work_accepted": ("Đã nhận tin báo «{title}».", "Accepted «{title}»."),
    "work_sent_back": ("Đã trả lại tin báo «{title}» cho {chapter}.", "Sent «{title}» back to {chapter}."),
    # -- the trips page (ui/pages/trips_page.py) and withdrawing an import (ui/pages/import_page.py) --
    "page_trips": ("Chuyến tìm kiếm", "Search trips"),
    "trip_plan": ("Lên kế hoạch chuyến tìm kiếm", "Plan a search trip"),
    "trip_plan_hint": (
        "Chọn các tin báo của chuyến trong bảng (hoặc gõ mã), rồi điền đội và ngày đi. Tin báo đã xác minh "
        "chuyển sang «Đã lên kế hoạch».",
        "Choose the trip's reports in the table (or type their codes), then fill in the team and dates. "
        "Verified reports move to “Search planned”.",
    ),
    "trip_find": ("Tìm tin báo (tên, đơn vị, mã)", "Find reports (name, unit, code)"),
    "trip_candidates": (
        "{n} tin báo có thể lên kế hoạch (đã xác minh, đã tìm chưa thấy, đã lên kế hoạch)",
        "{n} reports that can be planned (verified, searched not found, planned)",
    ),
    "trip_typed_ids": ("Hoặc gõ mã tin báo (cách nhau bằng dấu phẩy)", "Or type report codes (comma separated)"),
    "trip_chosen": ("Đã chọn {n} tin báo trong bảng", "{n} reports chosen in the table"),
    "trip_name": ("Tên chuyến", "Trip name"),
    "trip_team": ("Đội tìm kiếm", "Team"),
    "trip_dates": ("Từ ngày – đến ngày", "From – to"),
    "trip_chapter": ("Hội", "Chapter"),
    "trip_notes": ("Ghi chú", "Notes"),
    "trip_track": (
        "Tệp GPS của chuyến (GPX, KML, KMZ; không bắt buộc)",
        "The trip's GPS file (GPX, KML, KMZ; optional)",
    ),
    "trip_add": ("Lưu chuyến", "Save the trip"),
    "trip_added": ("Đã lưu chuyến «{name}».", "Trip “{name}” saved."),
    "trip_pick_dates": ("Chọn cả ngày đi và ngày về.", "Choose both the start and the end date."),
    "trip_list": ("Các chuyến", "Trips"),
    "trip_none": ("Chưa có chuyến tìm kiếm nào bạn được xem.", "No search trips you may see yet."),
    "trip_choose": ("Chọn chuyến", "Choose a trip"),
    "trip_col_reports": ("Số tin báo", "Reports"),
    "trip_linked": ("Tin báo của chuyến", "The trip's reports"),
    "trip_no_linked": ("Chuyến này không gắn tin báo nào.", "This trip has no linked reports."),
    "trip_outcome_title": ("Ghi kết quả chuyến", "Record the outcome"),
    "trip_outcome_hint": (
        "Các tin báo của chuyến chuyển theo kết quả: tìm thấy → «Đã tìm thấy hài cốt» (tin báo có số hài cốt), "
        "các tin khác → «Đã tìm – chưa thấy»; hủy → về «Đã xác minh».",
        "The trip's reports move with the outcome: found → “Remains found” (the reports with remains), the "
        "others → “Searched, not found”; cancelled → back to “Verified”.",
    ),
    "trip_outcome": ("Kết quả", "Outcome"),
    "trip_remains_at": ("Số hài cốt tìm thấy ở {name}", "Remains found at {name}"),
    "trip_remains_total": ("Số hài cốt tìm thấy", "Remains found"),
    "trip_handed_over": ("Số hài cốt đã bàn giao", "Remains handed over"),
    "trip_handed_to": ("Đơn vị nhận bàn giao", "Handed over to"),
    "trip_handed_on": ("Ngày bàn giao", "Handed over on"),
    "trip_note": ("Ghi chú (ghi vào lịch sử chuyến và tin báo)", "Note (kept in the trip's and reports' history)"),
    "trip_record": ("Ghi kết quả", "Record the outcome"),
    "trip_recorded": ("Đã ghi kết quả «{outcome}» cho chuyến «{name}».", "Outcome “{outcome}” recorded for “{name}”."),
    "trip_handover_title": ("Ghi bàn giao hài cốt", "Record the handover"),
    "trip_handover_save": ("Lưu bàn giao", "Save the handover"),
    "trip_attach": ("Gắn tệp GPS cho chuyến", "Attach a GPS file to the trip"),
    "trip_attach_go": ("Gắn tệp", "Attach"),
    "trip_saved": ("Đã lưu.", "Saved."),
    "trip_history": ("Lịch sử của chuyến", "The trip's history"),
    "trip_summary": (
        "{team} · {start} – {end} · {outcome} · hài cốt tìm thấy: {found}, đã bàn giao: {handed}",
        "{team} · {start} – {end} · {outcome} · remains found: {found}, handed over: {handed}",
    ),
    "imp_mine": ("Các lần nhập của bạn", "Your imports"),
    "imp_mine_admin": ("Các lần nhập", "Imports"),
    "imp_mine_hint": (
        "Một lần nhập rút lại được cả thể (các bản ghi vào thùng rác, lịch sử giữ lại) khi chưa bản ghi nào "
        "của nó bị sửa.",
        "An import can be withdrawn whole (its records go to the bin, their history stays) while none of its "
        "records has been changed.",
    ),
    "imp_entry": (
        "{file} · {when} · {author} · còn {records} bản ghi",
        "{file} · {when} · {author} · {records} records left",
    ),
    "imp_entry_counts": (
        "Trong tệp: {rows_read} dòng · nhận có tọa độ {accepted} · ước lượng theo địa danh {approximate} · "
        "chưa xác định vị trí {unlocated} · bị loại {rejected} · trùng {duplicates}",
        "In the file: {rows_read} rows · {accepted} accepted with coordinates · {approximate} estimated from "
        "the place name · {unlocated} not located · {rejected} rejected · {duplicates} duplicates",
    ),
    "imp_withdrawn": ("Đã rút lại bởi {by} lúc {at}: {reason}", "Withdrawn by {by} at {at}: {reason}"),
    "imp_withdrawn_mark": ("đã rút lại", "withdrawn"),
    "imp_withdraw_reason": ("Lý do rút lại", "Why it is withdrawn"),
    "imp_withdraw": ("Rút lại lần nhập", "Withdraw the import"),
    "imp_withdraw_done": (
        "Đã rút lại lần nhập «{file}»: {n} bản ghi vào thùng rác.",
        "Withdrew “{file}”: {n} records to the bin.",
    ),
    "imp_changed_records": ("Các bản ghi đã thay đổi", "The records that changed"),
    "imp_col_id": ("Mã", "Id"),
    "imp_col_name": ("Tên", "Name"),
    "db_error": ("Không mở được cơ sở dữ liệu: {e}", "The database could not be opened: {e}"),
    "unexpected_error": (
        "Đã có lỗi không mong đợi; dữ liệu không bị thay đổi. Hãy tải lại trang.",
        "Something unexpected went wrong; no data was changed. Please reload the page.",
    ),
    # -- the map of sites and testimonies
    "table_count_of": ("{n} {what} trong bảng", "{n} {what} in the table"),
    "legend_title_of": ("Trạng thái {what}", "Status of the {what}"),
    "detail_title_of": ("Chi tiết {what}", "Details of the {what}"),
    "detail_hint_of": (
        "Bấm vào một {what} trên bản đồ hoặc chọn một dòng trong bảng.",
        "Click one of the {what} on the map or select a row in the table.",
    ),
    "table_hint_of": ("Chọn một dòng để đưa bản đồ tới {what} đó.", "Select a row to centre the map on it."),
    "map_show": ("Hiển thị", "Show"),
    "map_show_sites": ("Điểm mộ", "Grave sites"),
    "map_show_reports": ("Lời kể", "Testimonies"),
    "map_show_help": (
        "Điểm mộ: mỗi nơi được cho là có mộ, gộp các lời kể về nơi đó. Lời kể: từng lời kể như đã được kể lại.",
        "Grave sites: each place believed to hold a grave, with the testimonies about it. Testimonies: each "
        "account as it was told.",
    ),
    "site_testimonies": ("{n} lời kể", "{n} testimonies"),
    "site_confirmed": ("được xác nhận bởi {n} nhân chứng", "confirmed by {n} witnesses"),
    "site_conflict": (
        "Các lời kể đặt ở những vị trí khác nhau (xa nhau nhất {d})",
        "The testimonies place it apart (up to {d})",
    ),
    "site_conflict_label": ("Vị trí các lời kể", "Testimonies' positions"),
    "site_testimony_tip": ("Lời kể {code}: {names}", "Testimony {code}: {names}"),
    "legend_conflict": ("Lời kể đặt ở vị trí khác", "A testimony placed elsewhere"),
    "detail_testimonies": ("Các lời kể ({n})", "Testimonies ({n})"),
    "view_count": (
        "{n} {what} · {located} có tọa độ · {approx} ước lượng theo địa danh · {u} chưa xác định",
        "{n} {what} · {located} with coordinates · {approx} estimated from the place name · {u} not located",
    ),
    "view_grouped": (
        "Đang gộp {v} {what} trong vùng nhìn theo ô; phóng to để thấy từng {one}.",
        "{v} {what} in view are grouped by area; zoom in to see each of them.",
    ),
    "view_cell_tip": ("{n} {what} ở đây; bấm để phóng to", "{n} {what} here; click to zoom in"),
    # -- the public intake page (/gui-thong-tin)
    "intake_photos_budget": (
        "Trang đang nhận quá nhiều ảnh trong lúc này nên chưa lưu được thông tin của bạn. Những gì bạn viết "
        "vẫn còn: xin gửi lại không kèm ảnh, hoặc thử lại sau {minutes} phút, hoặc gọi điện cho Hội.",
        "The page is receiving too many photos just now, so your account was not stored yet. What you wrote "
        "is still here: please send it again without photos, or try again in {minutes} minutes, or call the "
        "association.",
    ),
    "intake_title": ("Gửi thông tin về mộ liệt sĩ", "Tell us about a martyr's grave"),
    "intake_intro": (
        "Nếu ông bà, cô chú, anh chị biết nơi chôn cất một liệt sĩ, xin hãy kể lại ở đây. Không cần tài khoản. "
        "Chỉ cần ghi những gì mình nhớ; ô nào không biết thì để trống.",
        "If you know where a martyr was buried, please tell us here. No account is needed. Write only what "
        "you remember; leave empty what you do not know.",
    ),
    "intake_part_martyr": ("1. Người đã hy sinh", "1. Who was buried"),
    "intake_part_place": ("2. Nơi chôn cất", "2. Where"),
    "intake_part_knows": ("3. Vì sao bạn biết", "3. How you know"),
    "intake_part_photos": ("4. Ảnh, sơ đồ vẽ tay, thư (nếu có)", "4. Photos, a hand-drawn sketch, a letter (if any)"),
    "intake_part_you": ("5. Về bạn (không bắt buộc)", "5. About you (optional)"),
    "intake_part_send": ("6. Gửi", "6. Send"),
    "intake_names_help": (
        "Nếu biết nhiều người, ghi các tên cách nhau bằng dấu phẩy. Không rõ tên thì để trống.",
        "Several people: separate the names with commas. Leave empty if you do not know.",
    ),
    "intake_period_help": (
        "Ghi như bạn nhớ, ví dụ «Tết Mậu Thân», «năm 1972», «mùa mưa năm 68».",
        "As you remember it, for example “Tet 1968”, “1972”, “the rainy season of 68”.",
    ),
    "intake_place_help": (
        "Ví dụ: gần bờ suối, cách cây đa đầu làng khoảng 200 bước, phía đồi bên trái.",
        "For example: near the stream, about 200 steps from the big banyan tree, on the hill to the left.",
    ),
    "intake_historical_help": (
        "Tên làng, xã, đồi, bản… tên thời chiến tranh hay tên bây giờ đều được.",
        "The name of the village, commune, hill… a wartime name or today's.",
    ),
    "intake_province_choose": ("— Chọn tỉnh, thành —", "— Choose —"),
    "intake_province_unknown": (
        "Tôi không rõ, hoặc ở Lào, Campuchia (gửi về Trung ương Hội)",
        "I do not know, or it is in Laos or Cambodia (sent to the central association)",
    ),
    "intake_province_help": (
        "Tỉnh, thành hiện nay (34 tỉnh, thành từ 1/7/2025) nơi có mộ. Thông tin được gửi tới Hội Cựu TNXP tỉnh đó.",
        "The province of today (34 since 1 July 2025) where the grave is; the account goes to its chapter.",
    ),
    "intake_map_help": (
        "Nếu muốn, chạm vào bản đồ để ghim nơi có mộ. Không ghim cũng được.",
        "If you like, tap the map to pin the place. You may leave it.",
    ),
    "intake_map_clear": ("Bỏ ghim", "Remove the pin"),
    "intake_coord_help": (
        "Nếu có tọa độ (trên bản đồ cũ, máy GPS, điện thoại), ghi đúng như đã có, ví dụ «16.8123, 106.9456» hoặc "
        "«YD 123 456». Ghi sai cũng không sao.",
        "If you have coordinates (an old map, a GPS, a phone), write them as you have them, for example "
        "“16.8123, 106.9456” or “YD 123 456”. Mistakes are fine.",
    ),
    "intake_knows_question": ("Bạn biết được là vì:", "You know because:"),
    "intake_knows_detail_help": (
        "Ví dụ: nghe ai kể, năm nào, có ai cùng biết.",
        "For example: who told you, when, who else knows.",
    ),
    "intake_photos_label": ("Chọn ảnh", "Choose photos"),
    "intake_photos_help": (
        "Ảnh chụp nơi có mộ, ảnh chụp sơ đồ vẽ tay hoặc lá thư. Tối đa {count} ảnh, mỗi ảnh tối đa {mb} MB "
        "(JPEG, PNG, WebP). Ảnh chỉ Hội xem, không công bố.",
        "Photos of the place, of a hand-drawn sketch or of a letter. At most {count} photos, {mb} MB each "
        "(JPEG, PNG, WebP). Only the association sees them; they are never published.",
    ),
    "intake_photos_again": (
        "Nếu bạn đã chọn ảnh, xin chọn lại ảnh trước khi gửi.",
        "If you had chosen photos, please choose them again before sending.",
    ),
    "intake_you_help": (
        "Để trống nếu bạn không muốn cho biết. Chúng tôi vẫn nhận thông tin không ghi tên. Số điện thoại và địa "
        "chỉ của bạn không bao giờ được công bố.",
        "Leave empty if you prefer. Accounts without a name are welcome. Your phone and address are never published.",
    ),
    "intake_phone_help": ("Ví dụ 0912 345 678", "For example 0912 345 678"),
    "intake_consent_question": ("Ai được liên hệ với bạn?", "Who may contact you?"),
    "intake_agree": (
        "Tôi đồng ý để Hội Cựu Thanh niên xung phong lưu giữ thông tin này để tìm kiếm, quy tập hài cốt liệt sĩ.",
        "I agree that the Former Youth Volunteers Association keeps this account to search for and gather "
        "martyrs' remains.",
    ),
    "intake_button": ("Gửi thông tin", "Send"),
    "intake_honeypot_help": ("Ô này để trống.", "Leave this field empty."),
    "intake_problems": (
        "Thông tin chưa gửi được. Xin xem lại những chỗ sau:",
        "The account was not sent yet. Please look at:",
    ),
    "intake_expired": (
        "Trang đã mở lâu nên cần gửi lại: những gì bạn viết vẫn còn, xin bấm «Gửi thông tin» lần nữa.",
        "The page had been open a long time: what you wrote is still here, please press “Send” again.",
    ),
    "intake_too_many": (
        "Bạn đã gửi nhiều lần trong thời gian ngắn. Xin thử lại sau {minutes} phút, hoặc gọi điện cho Hội.",
        "You have sent several times in a short while. Please try again in {minutes} minutes, or call the association.",
    ),
    "intake_too_big": (
        "Ảnh gửi kèm quá lớn (tất cả tối đa {mb} MB). Xin chọn ít ảnh hơn hoặc ảnh nhỏ hơn rồi gửi lại.",
        "The photos are too large (at most {mb} MB together). Please choose fewer or smaller photos and send again.",
    ),
    "intake_too_many_files": ("Tối đa {count} ảnh.", "At most {count} photos."),
    "intake_unreadable_form": (
        "Không đọc được thông tin gửi lên; xin mở lại trang và gửi lần nữa.",
        "What was sent could not be read; please open the page again and send once more.",
    ),
    "intake_back": ("Quay lại trang gửi thông tin", "Back to the form"),
    "intake_thanks": ("Đã nhận thông tin. Xin cảm ơn!", "Received. Thank you!"),
    "intake_code_intro": ("Mã tiếp nhận của bạn:", "Your receipt code:"),
    "intake_code_help": (
        "Xin ghi lại mã này (hoặc chụp màn hình). Khi gọi điện cho Hội, hãy đọc mã này để Hội tìm thông tin bạn gửi.",
        "Please write this code down (or take a screenshot). When you call the association, quote it.",
    ),
    "intake_chapter": ("Thông tin được gửi tới:", "Your account goes to:"),
    "intake_chapter_contact": ("Liên hệ của Hội:", "The chapter's contact:"),
    "intake_chapter_no_contact": (
        "Hội sẽ xem thông tin của bạn và liên hệ lại nếu bạn đồng ý được liên hệ.",
        "The chapter will read your account and contact you if you agreed to be contacted.",
    ),
    "intake_consent_said": ("Bạn đã chọn:", "You chose:"),
    "intake_coordinate_kept": (
        "Tọa độ bạn ghi chưa đọc được tự động; Hội vẫn giữ nguyên như bạn đã ghi.",
        "The coordinates could not be read automatically; the chapter keeps them as you wrote them.",
    ),
    "intake_sent_summary": ("Những gì bạn đã gửi", "What you sent"),
    "intake_photos_sent": ("Số ảnh gửi kèm", "Photos attached"),
    "intake_another": ("Gửi thêm một thông tin khác", "Send another account"),
    "intake_share": ("Chia sẻ trang này", "Share this page"),
    "intake_share_help": (
        "Địa chỉ của trang (để chép vào Zalo, bản tin):",
        "The page's address (to copy into Zalo or a bulletin):",
    ),
    "intake_qr_alt": ("Mã QR của trang gửi thông tin", "QR code of this page"),
    "intake_qr_link": ("Tải mã QR (ảnh PNG) để in vào bản tin", "Download the QR code (PNG) for a bulletin"),
    # -- reviewing testimonies and sites
    "page_sites": ("Điểm mộ", "Sites"),
    "sites_intro": (
        "Các cặp lời kể có thể cùng nói về một điểm mộ. Lời kể được giữ nguyên như đã kể; xác nhận chỉ nối "
        "chúng vào một điểm mộ, và có thể tách ra lại.",
        "Pairs of testimonies that may tell of one grave. Testimonies stay as told; confirming only puts them "
        "in one site, and they can be taken out again.",
    ),
    "sites_province": ("Tỉnh, thành", "Province"),
    "sites_all_provinces": ("Mọi tỉnh, thành bạn được xem", "Every province you see"),
    "sites_suggestions": ("Gợi ý cùng một điểm mộ · {n}", "Suggested as one site · {n}"),
    "sites_none": ("Không có cặp lời kể nào cần xem.", "No pair of testimonies to review."),
    "sites_more": (
        "Đang hiện {shown} trong {n} gợi ý, giống nhau nhất trước.",
        "Showing {shown} of {n}, closest first.",
    ),
    "sites_score": ("Mức giống nhau: {score}", "Similarity: {score}"),
    "sites_testimony": ("Lời kể #{code}", "Testimony #{code}"),
    "sites_same": ("Cùng một điểm mộ", "Same site"),
    "sites_different": ("Khác", "Different"),
    "sites_linked": ("Đã nối hai lời kể vào điểm mộ #{code}.", "Both testimonies are now in site #{code}."),
    "sites_rejected": (
        "Đã ghi: hai lời kể nói về hai điểm mộ khác nhau; cặp này sẽ không được gợi ý lại.",
        "Noted: the two testimonies tell of different graves; the pair will not be suggested again.",
    ),
    "sites_one": ("Một điểm mộ", "One site"),
    "sites_code": ("Mã điểm mộ", "Site code"),
    "sites_choose": ("Hoặc chọn điểm mộ có từ hai lời kể", "Or choose a site with two or more testimonies"),
    "sites_choose_none": ("(chưa chọn)", "(none)"),
    "sites_choice": ("{name} · {n} lời kể · #{code}", "{name} · {n} testimonies · #{code}"),
    "sites_unknown": (
        "Không có điểm mộ mang mã «{code}» trong các điểm mộ bạn được xem.",
        "No site with the code «{code}» among the sites you see.",
    ),
    "sites_confirmed": ("được xác nhận bởi {n} nhân chứng", "confirmed by {n} witnesses"),
    "sites_one_witness": ("{n} lời kể, từ một nhân chứng", "{n} testimonies, from one witness"),
    "sites_conflict": ("Vị trí các lời kể khác nhau: xa nhất {n} m", "The testimonies' positions differ: {n} m apart"),
    "sites_testimonies": ("Các lời kể ({n}), giữ nguyên như đã kể", "Its testimonies ({n}), as told"),
    "sites_unlink": ("Tách khỏi điểm mộ", "Take out of the site"),
    "sites_unlinked": (
        "Đã tách lời kể #{code} ra thành điểm mộ riêng #{new}.",
        "Testimony #{code} is now a site of its own, #{new}.",
    ),
    "sites_history": ("Lịch sử điểm mộ ({n})", "The site's history ({n})"),
    "sites_years": ("Năm", "Years"),
    "sites_searching": ("Đang so các lời kể…", "Comparing the testimonies…"),
    "hist_link": ("Nối vào điểm mộ", "Put in a site"),
    "hist_unlink": ("Tách khỏi điểm mộ", "Taken out of a site"),
    "hist_pair": ("Đánh giá cặp lời kể", "Pair reviewed"),
    "hist_attach": ("Đính kèm tệp", "File attached"),
    "hist_detach": ("Gỡ tệp đính kèm", "Attachment removed"),
    "hist_handover": ("Bàn giao thông tin", "Information handed over"),
    "hist_dossier": ("In hồ sơ điểm mộ", "Site dossier printed"),
    "hist_statement": ("Soạn bản xác nhận của nhân chứng", "Witness statement prepared"),
    "work_receipt_title": ("Tìm theo mã tiếp nhận", "Find by receipt code"),
    "work_receipt_label": ("Mã tiếp nhận người gửi đọc cho bạn", "The receipt code the sender quotes"),
    "work_receipt_find": ("Tìm", "Find"),
    "work_receipt_none": (
        "Không có tin nào mang mã «{code}» trong các tin bạn được xem.",
        "No account with the code «{code}» among those you see.",
    ),
    "work_receipt_code": ("Mã tiếp nhận {code}", "Receipt {code}"),
    "work_unnamed": ("Chưa rõ tên liệt sĩ", "Martyr's name not known"),
    "work_contact_title": ("Người gửi và việc liên hệ lại", "The sender and contacting them"),
    "work_contact_hidden": (
        "Thông tin liên hệ của người gửi chỉ Hội tiếp nhận xem được.",
        "Only the receiving chapter sees how to contact the sender.",
    ),
    "work_contact_none": (
        "Người gửi không để lại thông tin liên hệ (gửi ẩn danh).",
        "The sender left no contact (sent anonymously).",
    ),
    "work_consent_nobody": (
        "Người gửi đề nghị không ai liên hệ lại: không gọi điện, không tìm đến nhà.",
        "The sender asked not to be contacted: do not call or visit them.",
    ),
    # -- attachments: the list, players, upload and photo position (ui/attachments_view.py)
    "att_title": ("Tệp đính kèm ({n})", "Attachments ({n})"),
    "att_none": ("Chưa có tệp đính kèm.", "No attachments yet."),
    "att_kind_other": ("Tệp", "File"),
    "att_added": ("thêm bởi {who}, {when}", "added by {who}, {when}"),
    "att_taken": ("chụp/ghi lúc {when}", "taken {when}"),
    "att_private": ("Riêng tư", "Private"),
    "att_shareable": ("Chia sẻ cho đối tác", "Shared with partners"),
    "att_open": ("Mở tệp", "Open the file"),
    "att_no_player": (
        "Trình duyệt này không phát được tệp; hãy bấm «Mở tệp».",
        "This browser cannot play the file; use “Open the file”.",
    ),
    "att_photo_gps": ("GPS của ảnh: {lat}, {lon}{accuracy}", "Photo GPS: {lat}, {lon}{accuracy}"),
    "att_accuracy": (" (sai số ~{m} m)", " (error ~{m} m)"),
    "att_upload_title": ("Đính kèm tệp", "Attach a file"),
    "att_file": ("Tệp: ảnh, bản quét PDF, ghi âm hoặc video", "File: a photo, a PDF scan, an audio or video recording"),
    "att_file_help": (
        "Loại tệp được đọc từ nội dung của tệp, không theo tên. Tối đa {limits}.",
        "The kind of file is read from its content, not its name. At most {limits}.",
    ),
    "att_caption": ("Chú thích (ví dụ: sơ đồ do ông Bảy vẽ)", "Caption (e.g. the sketch Mr Bảy drew)"),
    "att_private_label": (
        "Riêng tư (chỉ người xem được liên hệ nhân chứng)",
        "Private (only those who may see the witness's contacts)",
    ),
    "att_shareable_label": ("Được chia sẻ cho đối tác", "May be shared with partners"),
    "att_upload_go": ("Đính kèm", "Attach"),
    "att_pick_file": ("Hãy chọn một tệp trước.", "Choose a file first."),
    "att_attached": ("Đã đính kèm «{name}».", "Attached “{name}”."),
    "att_remove": ("Gỡ tệp", "Remove"),
    "att_remove_reason": ("Lý do gỡ (ghi vào lịch sử)", "Why it is removed (kept in the history)"),
    "att_remove_go": ("Gỡ tệp này", "Remove this file"),
    "att_removed": ("Đã gỡ «{name}».", "Removed “{name}”."),
    "att_gps_offer": (
        "Dùng vị trí GPS của ảnh làm vị trí tin báo (sai số ~{m} m)",
        "Use the photo's GPS position as the report's position (error ~{m} m)",
    ),
    "att_gps_used": (
        "Vị trí tin báo nay là {lat}, {lon} (WGS84, sai số ~{m} m), lấy từ GPS của ảnh «{name}»; "
        "thay đổi đã được ghi vào lịch sử.",
        "The report's position is now {lat}, {lon} (WGS84, error ~{m} m), from the GPS of the photo “{name}”; "
        "the change is in the history.",
    ),
    "att_unnamed": ("tệp không tên", "unnamed file"),
    # -- recognition cases and the pages built from a layer's declaration
    "page_recognition": ("Hồ sơ công nhận liệt sĩ", "Martyr recognition"),
    "rp_hint_recognition_cases": (
        "Hỗ trợ thân nhân làm hồ sơ đề nghị công nhận liệt sĩ: người hy sinh, các đồng đội xác nhận (mỗi người "
        "một bản xác nhận chữ lớn để đọc và ký), giấy tờ kèm theo, và các bước gửi xã, gửi tỉnh.",
        "Help a family with the file proposing a comrade for recognition as a martyr: the fallen, the comrades "
        "who confirm it (each with a large-print statement to read and sign), the papers, and the steps to the "
        "commune and the province.",
    ),
    "rp_add": ("Thêm {thing}", "Add {thing}"),
    "rp_list": ("Danh sách ({n})", "List ({n})"),
    "rp_find": ("Tìm (tên, đơn vị, quê quán, mã…)", "Find (name, unit, hometown, code…)"),
    "rp_none": ("Chưa có bản ghi nào bạn được xem.", "No records you may see yet."),
    "rp_none_match": ("Không có bản ghi nào khớp bộ lọc.", "No record matches the filter."),
    "rp_choose": ("Chọn để xem chi tiết", "Choose one to see it"),
    "rp_all": ("Tất cả", "All"),
    "rp_contacts_hidden": (
        "Thông tin liên hệ (thân nhân, nhân chứng) chỉ Hội giữ hồ sơ được xem.",
        "Contact details (relatives, witnesses) are seen by the chapter holding the file only.",
    ),
    "rp_no_parts": ("Chưa có {thing} nào.", "No {thing} yet."),
    "rp_links": ("Bản ghi liên quan", "Linked records"),
    "rp_no_links": ("Chưa liên kết với tin báo hay điểm mộ nào.", "Not linked to any report or site yet."),
    "rp_link_kind": ("Loại", "Kind"),
    "rp_link_codes": (
        "Mã (ví dụ #3f2a9c1d; nhiều mã cách nhau bởi dấu cách)",
        "Codes (e.g. #3f2a9c1d; several separated by spaces)",
    ),
    "rp_link_add": ("Liên kết", "Link"),
    "rp_link_remove": ("Bỏ liên kết", "Unlink"),
    "rp_linked": ("Đã cập nhật liên kết.", "Links updated."),
    "rp_link_unseen": ("(bạn không xem được)", "(not visible to you)"),
    "step_on": ("Ngày của bước", "Day of the step"),
    "step_note_needed": ("Ghi chú (lý do; bước này cần ghi)", "Note (why; this step needs one)"),
    "step_note_plain": ("Ghi chú (nơi nộp, số văn bản…)", "Note (where it went, letter number…)"),
    # -- the site dossier and the hand-over record
    "pw_title": ("Hồ sơ và bàn giao", "Dossier and hand-over"),
    "pw_handed": ("Đã bàn giao cho {unit} ngày {day} ({who}).", "Handed over to {unit} on {day} ({who})."),
    "pw_without": (
        "Bản không có thông tin liên hệ nhân chứng (để chuyển cho đối tác)",
        "Copy without the witnesses' contacts (to pass to partners)",
    ),
    "pw_dossier_make": ("Tạo hồ sơ điểm mộ (PDF)", "Make the site dossier (PDF)"),
    "pw_making": ("Đang tạo tệp PDF…", "Making the PDF…"),
    "pw_copy_with": (
        "Bản có thông tin liên hệ nhân chứng — không chuyển cho đối tác.",
        "Copy with the witnesses' contacts — not to be passed to partners.",
    ),
    "pw_copy_without": ("Bản không có thông tin liên hệ.", "Copy without contact details."),
    "pw_dossier_download": ("Tải hồ sơ điểm mộ (PDF)", "Download the site dossier (PDF)"),
    "pw_handover": ("Bàn giao thông tin cho cơ quan tìm kiếm", "Hand the information over to a search authority"),
    "pw_sites": ("Các điểm mộ bàn giao", "Sites to hand over"),
    "pw_site_choice": ("#{code} · {name}", "#{code} · {name}"),
    "pw_unit": ("Đơn vị nhận bàn giao", "Receiving unit"),
    "pw_unit_help": (
        "Ví dụ: Đội K92, Bộ Chỉ huy Quân sự tỉnh Quảng Trị",
        "For example: Team K92, Quảng Trị Provincial Military Command",
    ),
    "pw_on": ("Ngày bàn giao", "Day of the hand-over"),
    "pw_note": ("Ghi chú của biên bản", "Note in the record"),
    "pw_with_contacts": (
        "Kèm liên hệ nhân chứng mà tôi được xem (biên bản ra ngoài Hội: thường không kèm)",
        "Include the witnesses' contacts I may see (the record leaves the association: usually not)",
    ),
    "pw_record": ("Ghi nhận bàn giao và tạo biên bản", "Record the hand-over and make the record"),
    "pw_recorded": ("Đã ghi nhận bàn giao {n} điểm mộ cho «{unit}».", "Hand-over of {n} sites to «{unit}» recorded."),
    "pw_record_download": ("Tải biên bản bàn giao (PDF)", "Download the hand-over record (PDF)"),
    # -- trip planning: the itinerary on the trips page (ui/plan_view.py), keys "pl_"
    "pl_title": ("Lộ trình chuyến đi", "The trip's route"),
    "pl_hint": (
        "Chọn các điểm mộ và điểm xuất phát, rồi sắp xếp để đi ngắn nhất; có thể đổi thứ tự, lưu vào chuyến và "
        "tạo các tệp mang ra thực địa.",
        "Choose the sites and a start, then order them for the shortest walk; you can change the order, save it "
        "on the trip and make the files to take to the field.",
    ),
    "pl_free_title": (
        "Lập lộ trình cho các điểm mộ tự chọn (không gắn chuyến)",
        "Plan a route for sites you pick (no trip)",
    ),
    "pl_sites": ("Các điểm mộ sẽ đến", "Sites to walk to"),
    "pl_sites_hint": ("Gõ mã hoặc tên điểm mộ", "Type a site's code or name"),
    "pl_start": ("Điểm xuất phát", "Start"),
    "pl_start_commune": ("Trụ sở xã", "Commune office"),
    "pl_start_typed": ("Tọa độ", "Coordinate"),
    "pl_start_map": ("Bấm trên bản đồ", "Click on the map"),
    "pl_no_commune": (
        "Các điểm đã chọn chưa có xã nào; hãy nhập tọa độ hoặc bấm trên bản đồ.",
        "The chosen sites have no commune; type a coordinate or click on the map.",
    ),
    "pl_commune": ("Xã của các điểm", "Commune of the sites"),
    "pl_commune_note": (
        "Tâm xã được lấy thay cho trụ sở UBND xã (chưa có vị trí trụ sở); sửa bằng tọa độ khi biết.",
        "The commune's centre stands in for its People's Committee office (its position is not known); "
        "type a coordinate when you know it.",
    ),
    "pl_typed": (
        "Tọa độ điểm xuất phát (độ thập phân, độ phút giây, MGRS, VN-2000…)",
        "Start coordinate (decimal degrees, DMS, MGRS, VN-2000…)",
    ),
    "pl_click_hint": ("Bấm vào bản đồ để chọn điểm xuất phát.", "Click on the map to choose the start."),
    "pl_clicked": ("Điểm xuất phát đã bấm: {lat}, {lon}", "Start clicked: {lat}, {lon}"),
    "pl_start_clicked_label": ("Điểm chọn trên bản đồ ({lat}, {lon})", "Point picked on the map ({lat}, {lon})"),
    "pl_start_here": ("Điểm xuất phát", "Start"),
    "pl_order": ("Sắp xếp lộ trình ngắn nhất", "Order the shortest route"),
    "pl_ordering": ("Đang tính lộ trình…", "Working out the route…"),
    "pl_need_start": ("Cần điểm xuất phát trước khi sắp xếp.", "A start is needed before ordering."),
    "pl_press_order": (
        "Bấm «Sắp xếp lộ trình ngắn nhất» để xem từng chặng.",
        "Press «Order the shortest route» to see each leg.",
    ),
    "pl_route_title": ("Các chặng theo thứ tự đi", "The legs in walking order"),
    "pl_col_order": ("Thứ tự", "Order"),
    "pl_col_from": ("Từ", "From"),
    "pl_col_to": ("Đến", "To"),
    "pl_col_distance": ("Khoảng cách", "Distance"),
    "pl_col_bearing": ("Hướng", "Bearing"),
    "pl_col_walk": ("Thời gian (ước)", "Time (est.)"),
    "pl_total": ("Tổng: {n} điểm, {km}, khoảng {walk} đi đường", "Total: {n} sites, {km}, about {walk} on the way"),
    "pl_reorder_hint": (
        "Muốn đổi thứ tự: sửa số ở cột «Thứ tự» (ví dụ ghi 1 để đi điểm đó trước), rồi bấm «Áp dụng thứ tự mới».",
        "To change the order: edit a number in «Order» (e.g. 1 to go there first), then press «Apply the new order».",
    ),
    "pl_reorder": ("Áp dụng thứ tự mới", "Apply the new order"),
    "pl_save": ("Lưu lộ trình vào chuyến", "Save the route on the trip"),
    "pl_saved": ("Đã lưu lộ trình vào chuyến: {n} điểm, {km}.", "Route saved on the trip: {n} sites, {km}."),
    "pl_conflict": (
        "Không lưu được: có người đã sửa chuyến này sau khi trang được mở. Hãy tải lại trang rồi lưu lại.",
        "Not saved: someone changed this trip after the page was opened. Reload the page and save again.",
    ),
    "pl_no_export": ("Tài khoản này không được tạo tệp.", "This account may not make files."),
    "pl_files_title": ("Các tệp mang ra thực địa", "Files for the field"),
    "pl_make": ("Tạo các tệp cho chuyến đi", "Make the files for the trip"),
    "pl_making": (
        "Đang tạo các tệp (bản đồ ngoại tuyến mất chừng một phút)…",
        "Making the files (the offline maps take about a minute)…",
    ),
    "pl_files_ready": ("Các tệp đã sẵn sàng để tải về.", "The files are ready to download."),
    "pl_file_gpx": ("Lộ trình GPX (điện thoại, máy GPS)", "Route GPX (phones, GPS units)"),
    "pl_file_kmz": ("Lộ trình KMZ (Google Earth)", "Route KMZ (Google Earth)"),
    "pl_file_pdf": ("Phiếu lộ trình PDF (in)", "Itinerary sheet PDF (print)"),
    "pl_file_zip": ("Gói ngoại tuyến (bản đồ, QField)", "Offline package (maps, QField)"),
    "pl_download": ("Tải về {what} · {size} KB", "Download {what} · {size} KB"),
    "pl_offline_help": (
        "Gói ngoại tuyến có bản đồ MBTiles/PMTiles (OsmAnd, Organic Maps, Locus, Garmin BaseCamp), gói QField và "
        "hướng dẫn chép tệp nào vào ứng dụng nào.",
        "The offline package holds MBTiles/PMTiles maps (OsmAnd, Organic Maps, Locus, Garmin BaseCamp), the QField "
        "package and a guide saying which file goes into which app.",
    ),
    # -- offline maps for the field (ui/plan_view.py downloads them), keys "om_"
    # -- results brought back from a trip (ui/field_results_view.py, the work page), keys "fr_"
    "fr_title": ("Kết quả chuyến đi", "Trip results"),
    "fr_hint": (
        "Tải lên gói QField/Mergin Maps đội mang về (tệp .zip hoặc .gpkg), tệp GPX, hoặc ảnh có GPS. "
        "Mỗi kết quả tại điểm thành một đề xuất chờ Hội xác nhận.",
        "Upload the QField/Mergin Maps package the team brought back (.zip or .gpkg), GPX files, or photos "
        "with GPS. Each observation becomes a proposal awaiting the chapter.",
    ),
    "fr_files": ("Tệp mang về", "Files brought back"),
    "fr_import": ("Nhập kết quả", "Import the results"),
    "fr_counts": (
        "{kind}: đọc {read}, nhận {accepted}, loại {rejected}, trùng {duplicates}",
        "{kind}: read {read}, accepted {accepted}, rejected {rejected}, duplicates {duplicates}",
    ),
    "fr_kind_observations": ("Kết quả tại điểm", "Observations"),
    "fr_kind_tracks": ("Đường đã đi", "Tracks"),
    "fr_kind_photos": ("Ảnh", "Photos"),
    "fr_rejected": ("Các dòng bị loại", "Rejected rows"),
    "fr_proposals": ("Chờ Hội xác nhận", "Awaiting the chapter"),
    "fr_none": ("Chưa có kết quả nào chờ xác nhận.", "No results awaiting the chapter."),
    "fr_item": ("{site} — {finding}", "{site} — {finding}"),
    "fr_remains": ("Số hài cốt: {n}", "Remains: {n}"),
    "fr_observed": ("Ghi lúc {when}", "Recorded at {when}"),
    "fr_confirm": ("Xác nhận", "Confirm"),
    "fr_reject": ("Không nhận", "Not accepted"),
    "fr_note": ("Ghi chú (bắt buộc khi không nhận)", "Note (needed when not accepting)"),
    "fr_confirmed": ("Đã xác nhận; điểm mộ đã chuyển bước.", "Confirmed; the site has moved on."),
    "fr_refused": ("Đã ghi là Hội không nhận.", "Recorded as not accepted."),
    "fr_needs_note": ("Hãy ghi lý do không nhận.", "Say why it is not accepted."),
    "fr_leaders_only": (
        "Lãnh đạo Hội xác nhận các kết quả này.",
        "The chapter's leaders confirm these results.",
    ),
    # -- on a phone: my position, distance and bearing (ui/mapview.py), keys "ph_"
    "ph_locate_title": ("Vị trí của tôi", "My location"),
    "ph_locate_popup": (
        "Bạn ở trong phạm vi {distance} {unit} quanh điểm này",
        "You are within {distance} {unit} of this point",
    ),
    "ph_metres": ("mét", "metres"),
    "ph_outside": ("Vị trí của bạn ở ngoài vùng của bản đồ.", "Your position is outside the map's area."),
    "ph_denied": (
        "Trình duyệt chưa cho xem vị trí. Hãy cho phép «Vị trí» trong cài đặt của trình duyệt rồi bấm lại nút.",
        "The browser does not share your location. Allow «Location» in its settings, then press the button again.",
    ),
    "ph_insecure": (
        "Trình duyệt chỉ cho biết vị trí khi ứng dụng được mở bằng địa chỉ https://. Hãy hỏi người quản lý ứng dụng.",
        "The browser tells your location only when the app is opened at an https:// address. Ask whoever runs it.",
    ),
    "ph_unavailable": (
        "Chưa xác định được vị trí (chưa bắt được GPS). Ra chỗ thoáng rồi bấm lại nút.",
        "Your position could not be found (no GPS fix yet). Go into the open, then press the button again.",
    ),
    "ph_timeout": (
        "Chờ vị trí quá lâu. Bấm lại nút để thử lại.",
        "Waited too long for a position. Press the button to try again.",
    ),
    "ph_lost": (
        "Mất tín hiệu GPS, đang chờ vị trí mới. Khoảng cách dưới đây tính từ vị trí trước.",
        "GPS signal lost, waiting for a new position. The distance below is from the last one.",
    ),
    "ph_press": (
        "Bấm nút «Vị trí của tôi» (mũi tên bên trái) để biết khoảng cách đến điểm đã chọn.",
        "Press «My location» (the arrow on the left) to see how far the selected point is.",
    ),
    "ph_pick": (
        "Chọn một điểm trên bản đồ để biết khoảng cách và hướng đến đó.",
        "Pick a point on the map to see how far it is and in which direction.",
    ),
    "ph_here": ("Bạn đang ở {lat}, {lon} (sai số ± {acc} m).", "You are at {lat}, {lon} (within {acc} m)."),
    "ph_distance": (
        "Cách điểm đã chọn {d}, hướng {deg}° ({dir}).",
        "The selected point is {d} away, bearing {deg}° ({dir}).",
    ),
    "ph_area": (
        "Điểm đã chọn chỉ ước lượng theo địa danh: ≈ trung tâm vùng, bán kính {r}.",
        "The selected point is only estimated from a place name: ≈ centre of the area, radius {r}.",
    ),
    "ph_straight": ("Tính theo đường chim bay, không theo đường đi.", "In a straight line, not along a path."),
    "ph_no_position": (
        "Điểm đã chọn chưa có vị trí trên bản đồ.",
        "The selected point has no position on the map yet.",
    ),
    "ph_directions": (
        "Bắc|Đông Bắc|Đông|Đông Nam|Nam|Tây Nam|Tây|Tây Bắc",
        "North|North-east|East|South-east|South|South-west|West|North-west",
    ),
    # -- the public progress page (/tien-do), its embed and exports (ui/progress_page.py), keys "pg_"
    "pg_title": (
        "Tiến độ chiến dịch tìm kiếm, quy tập hài cốt liệt sĩ",
        "Campaign progress: searching for martyrs' remains",
    ),
    "pg_org": (
        "Hội Cựu TNXP Việt Nam · Chiến dịch 500 ngày đêm",
        "Vietnam Association of Former Youth Volunteers · the 500-day campaign",
    ),
    "pg_period": (
        "Số liệu từ {start} đến {end}, cập nhật ngày {made}.",
        "Figures from {start} to {end}, updated {made}.",
    ),
    "pg_days_left": ("Còn {n} ngày đến 27/7/2027", "{n} days left to 27 July 2027"),
    "pg_demo": ("Dữ liệu mẫu – không phải số liệu thật", "Demo data – not real figures"),
    "pg_national": ("Toàn quốc", "Nationwide"),
    "pg_by_province": ("Theo tỉnh, thành", "By province"),
    "pg_province": ("Tỉnh, thành", "Province"),
    "pg_targets": ("Mục tiêu đã công bố của chiến dịch", "The campaign's published targets"),
    "pg_target": ("Chỉ tiêu", "Target"),
    "pg_value": ("Số lượng", "Figure"),
    "pg_target_period": ("Giai đoạn", "Period"),
    "pg_source": ("Nguồn", "Source"),
    "pg_map": ("Bản đồ", "Map"),
    "pg_map_help": (
        "Màu của tỉnh theo số lời kể đã tiếp nhận. Mỗi ô lục giác (khoảng 250 km²) ghi số điểm mộ trong ô; "
        "ô có dưới {min} điểm mộ không hiển thị. Không công bố vị trí chính xác của bất kỳ ngôi mộ nào.",
        "Provinces are shaded by testimonies received. Each hexagon (about 250 km²) shows how many grave sites "
        "it holds; hexagons with fewer than {min} sites are not shown. No grave's exact position is published.",
    ),
    "pg_cells": ("{n} ô lục giác có từ {min} điểm mộ trở lên.", "{n} hexagons hold {min} or more sites."),
    "pg_cell_tip": ("{n} điểm mộ trong ô này", "{n} grave sites in this hexagon"),
    "pg_how": (
        "Cách tính như báo cáo chiến dịch của Hội: lời kể có ngày tiếp nhận trong kỳ (không tính trùng); chuyến "
        "tìm kiếm đã đi bắt đầu trong kỳ và diện tích đã rà của chúng; hài cốt ghi trên các chuyến đó; xác định "
        "danh tính và hồ sơ được công nhận liệt sĩ lần đầu đạt bước đó trong kỳ. Điểm mộ đã xác minh: điểm mộ có "
        "trạng thái hôm nay là đã xác minh hoặc một bước sau đó. Ngày theo giờ Việt Nam.",
        "Counted as in the association's campaign report: testimonies whose day of receipt falls in the period "
        "(duplicates left out); search trips made that started in the period and the area they searched; the "
        "remains recorded on those trips; identifications and recognition cases that first reached that step in "
        "the period. Sites verified: sites whose status today is verified or a later step. Days are Vietnam's.",
    ),
    "pg_embed": ("Nhúng vào trang web", "Embed on a website"),
    "pg_embed_help": (
        "Chép đoạn mã dưới đây vào trang web của Hội để hiện thẻ tiến độ luôn cập nhật:",
        "Copy this snippet into the association's website to show an always up-to-date progress card:",
    ),
    "pg_downloads": ("Tải về", "Downloads"),
    "pg_png": ("Ảnh thẻ tiến độ (PNG, cho Zalo, bản tin)", "Progress card image (PNG, for Zalo and the bulletin)"),
    "pg_zip": (
        "Bản xuất tĩnh (ZIP: trang HTML, ảnh, mở không cần mạng)",
        "Static export (ZIP: HTML pages and images, opens offline)",
    ),
    "pg_back": ("← Toàn quốc", "← Nationwide"),
    "pg_full_page": ("Xem trang tiến độ đầy đủ", "See the full progress page"),
    "pg_not_found_title": ("Không tìm thấy trang", "Page not found"),
    "pg_not_found": ("Không có tỉnh, thành nào có mã «{code}».", "There is no province with the code «{code}»."),
    "pg_error": (
        "Trang tiến độ tạm thời không hiển thị được. Xin thử lại sau ít phút.",
        "The progress page cannot be shown just now. Please try again in a few minutes.",
    ),
    "pg_stories": ("Câu chuyện từ các chuyến tìm kiếm", "Stories from the search trips"),
    "pg_media": ("Ảnh và video", "Photos and videos"),
    "pg_commendations": ("Biểu dương", "Commendations"),
    "pg_commendation_period": ("Kỳ {start} – {end}", "Period {start} – {end}"),
    "pg_rank": ("Hạng", "Rank"),
    "pg_name": ("Tên", "Name"),
    "pg_note": ("Ghi nhận", "Note"),
    "pg_no_province_data": (
        "Chưa có số liệu của tỉnh trong kỳ này.",
        "No figures for this province in this period yet.",
    ),
    "pg_png_alt": ("Thẻ tiến độ chiến dịch", "The campaign's progress card"),
    # -- stories and public photos and videos (the trips page, /tien-do/tep), keys "sm_"
    "sm_title": ("Công khai", "Public"),
    "sm_hint": (
        "Câu chuyện (tên chuyến và một câu) và ảnh/video được đánh dấu hiện trên trang tiến độ công khai và bản tin; "
        "không bao giờ có nhân chứng hay tọa độ.",
        "The story (the trip's name and one sentence) and the photos and videos marked show on the public progress "
        "page and in the bulletin; never a witness or a position.",
    ),
    "sm_sentence": (
        "Câu chuyện công khai (một câu, tối đa 300 ký tự)",
        "Public story (one sentence, at most 300 characters)",
    ),
    "sm_publish": ("Công bố câu chuyện", "Publish the story"),
    "sm_save": ("Lưu", "Save"),
    "sm_published": ("Câu chuyện đang được công bố.", "The story is published."),
    "sm_not_published": ("Câu chuyện chưa được công bố.", "The story is not published."),
    "sm_saved": ("Đã lưu phần công khai của chuyến.", "The trip's public part is saved."),
    "sm_only_leaders": (
        "Chỉ lãnh đạo Hội (hoặc quản trị) được công bố.",
        "Only a chapter leader (or an administrator) may publish.",
    ),
    "sm_media_show": ("Hiện trên trang tiến độ công khai", "Show on the public progress page"),
    "sm_media_consent": (
        "Tôi xác nhận đã được sự đồng ý của những người có trong ảnh/video",
        "I confirm the people in this photo or video agreed",
    ),
    "sm_media_shown": (
        "Đang hiện trên trang tiến độ công khai (không có siêu dữ liệu, vị trí).",
        "Shown on the public progress page (without metadata or position).",
    ),
    "sm_media_changed": (
        "Đã đổi việc hiện «{name}» trên trang công khai.",
        "Changed whether «{name}» shows on the public page.",
    ),
    # -- commendations, biểu dương (ui/pages/commendations_page.py), keys "cm_"
    "cm_page": ("Biểu dương", "Commendations"),
    "cm_caption": (
        "Xếp hạng các Hội và đội tìm kiếm theo kết quả của kỳ; Trung ương Hội ghi nhận và chọn dòng công bố "
        "trên trang tiến độ và bản tin. Đội chỉ hiện tên khi người của đội đã đồng ý.",
        "The chapters and search teams ranked by the period's results; the central association writes its note "
        "and chooses the lines published on the progress page and in the bulletin. A team is named only when "
        "its people agreed.",
    ),
    "cm_period": ("Kỳ", "Period"),
    "cm_custom": ("Chọn ngày…", "Choose dates…"),
    "cm_dates": ("Từ ngày – đến ngày", "From – to"),
    "cm_pick_dates": ("Hãy chọn cả ngày đầu và ngày cuối.", "Choose both the first and the last day."),
    "cm_range": ("{period} · {start} – {end}", "{period} · {start} – {end}"),
    "cm_order": (
        "Xếp theo hài cốt tìm thấy, rồi chuyến tìm kiếm, tin báo đã xác minh, tin báo tiếp nhận, hồ sơ được "
        "công nhận; bằng nhau thì theo tên. Số liệu của đội là việc tài khoản đội đã làm (theo lịch sử).",
        "Ranked by remains found, then search trips, reports verified, reports received, cases recognised; "
        "ties by name. A team's figures are the work its account did (as the history says).",
    ),
    "cm_chapters": ("Các Hội", "Chapters"),
    "cm_teams": ("Các đội tìm kiếm", "Search teams"),
    "cm_none": ("Kỳ này chưa có dòng nào.", "No lines in this period yet."),
    "cm_rank": ("Hạng", "Rank"),
    "cm_name": ("Tên (nội bộ)", "Name (internal)"),
    "cm_public": ("Hiện công khai là", "Shown publicly as"),
    "cm_note": ("Ghi nhận", "Note"),
    "cm_published": ("Công bố", "Published"),
    "cm_kind_chapter": ("Hội", "Chapter"),
    "cm_kind_team": ("Đội", "Team"),
    "cm_edit": ("Ghi nhận và công bố", "Note and publish"),
    "cm_line": ("Dòng", "Line"),
    "cm_reads_as": ("Trên trang công khai: **{name}**", "On the public pages: **{name}**"),
    "cm_anonymous": (
        "Người của đội chưa đồng ý hiện tên: trang công khai chỉ ghi Hội của đội.",
        "The team's people have not agreed to be named: the public pages name only its chapter.",
    ),
    "cm_publish": ("Công bố", "Publish"),
    "cm_save": ("Lưu", "Save"),
    "cm_saved": ("Đã lưu: {line}", "Saved: {line}"),
    "cm_failed": ("Không lưu được; xin thử lại sau.", "Could not save; please try again later."),
    # -- the monthly bulletin, Bản tin (ui/pages/reports_page.py), keys "bt_"
    "bt_header": ("Bản tin tháng", "Monthly bulletin"),
    "bt_caption": (
        "Số liệu của tháng so với tháng trước, các tỉnh, thành có nhiều chuyển biến nhất, câu chuyện và "
        "biểu dương đã công bố; chỉ dữ liệu được công bố (không có nhân chứng, không có tọa độ mộ).",
        "The month's figures against the month before, the provinces that moved most, the published stories "
        "and commendations; published data only (no witness, no grave position).",
    ),
    "bt_month": ("Tháng", "Month"),
    "bt_pdf": ("Tải bản tin PDF", "Download the bulletin (PDF)"),
    "bt_png": ("Tải các trang ảnh PNG (zip)", "Download the pages as PNG (zip)"),
}


def text(key: str, lang: str = "vi", **values: object) -> str:
    """The string `key` in `lang` ('vi' or 'en'), with {placeholders} filled."""
    vi, en = STRINGS[key]
    template = en if lang == "en" else vi
    return template.format(**values) if values else template
