-- Vietnamese titles of the sources (shown in the Vietnamese UI through /api/vocabularies).
UPDATE data_sources s SET title_vi = v.title_vi FROM (VALUES
  ('ne-admin1-2008', 'Ranh giới 63 tỉnh, thành phố (2008–2025) theo Natural Earth tỉ lệ 1:10 triệu'),
  ('ne-countries-10m', 'Ranh giới các quốc gia theo Natural Earth tỉ lệ 1:10 triệu (chỉ để hiển thị)'),
  ('sample-admin-voronoi', 'MẪU: ranh giới huyện, xã minh họa (ô Voronoi quanh điểm gần đúng), không phải ranh giới chính thức'),
  ('sample-border', 'MẪU: vành đai và cột mốc biên giới minh họa, không phải vị trí và số hiệu thật'),
  ('sample-records', 'MẪU: đội, lịch rảnh, thôn khó khăn, nhu cầu và hoạt động minh họa, không phải hồ sơ thật'),
  ('sample-red-sites', 'MẪU: địa chỉ đỏ (tên di tích thật; vị trí gần đúng và thuộc tính minh họa)'),
  ('vn-provinces-2025', '34 tỉnh, thành phố từ 01/7/2025 (Nghị quyết 202/2025/QH15), ghép từ ranh giới 63 tỉnh'),
  ('vn-provinces-wards-2025', '3.321 xã, phường, đặc khu từ 01/7/2025 (chỉ có tên, chưa có ranh giới)')
) AS v(id, title_vi) WHERE s.id = v.id;
