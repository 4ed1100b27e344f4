-- SAMPLE hardship villages, red-address sites, needs and activities.
\set ON_ERROR_STOP on

-- Hardship villages: (unit, count, name pattern, ethnic groups).
CREATE TABLE stage.vslot (code text, n int, names text[], ethnic text[]);
INSERT INTO stage.vslot
SELECT code, 3, '{Thôn 1,Thôn 2,Thôn 3,Thôn 4,Thôn 5,Thôn 6}'::text[], '{Xơ Đăng,Ca Dong}'::text[] FROM admin_units WHERE level = 'commune' AND parent_code = '516'
UNION ALL SELECT code, 2, '{Thôn Ariêu,Thôn Agrí,Thôn Tà Vàng,Thôn Arớch,Thôn Z''lao,Thôn Pứt,Thôn A Réh,Thôn Kriêng,Thôn Dading,Thôn Bhơ Hôồng}'::text[], '{Cơ Tu}'::text[] FROM admin_units WHERE level = 'commune' AND parent_code = '504'
UNION ALL SELECT code, 2, '{Thôn Pà Ia,Thôn Pà Păng,Thôn Đắc Ốc,Thôn Công Dồn,Thôn Pà Dấu,Thôn Pà Vàng,Thôn Đắc Rích,Thôn Tà Xi,Thôn Pà Pây,Thôn 49}'::text[], '{Cơ Tu,Giẻ Triêng}'::text[] FROM admin_units WHERE level = 'commune' AND parent_code = '510'
UNION ALL VALUES ('511', 3, '{Nóc Nước Lang,Nóc Trà Văn,Thôn 1B,Nóc Ba Xăng}'::text[], '{Giẻ Triêng,Bh''noong}'::text[]),
 ('515', 3, '{Thôn Tân Hiệp,Nóc Trà Kót,Thôn Trà Ka,Nóc Ông Bé}', '{Ca Dong,Kinh}'),
 ('505', 3, '{Thôn Ka Dăng,Thôn Ating,Thôn Bhờ Hôồng,Thôn Ra Dung}', '{Cơ Tu}'),
 ('950', 4, '{Ấp Prey Chóp A,Ấp Prey Chóp B,Ấp Trà Sết,Ấp Wathpich,Ấp Sóc Leo}', '{Khmer,Kinh,Hoa}'),
 ('951', 3, '{Ấp Tài Công,Ấp Sâm Ri,Ấp Giồng Chùa,Ấp Tắc Gồng}', '{Khmer,Kinh}'),
 ('947', 3, '{Ấp Đại Ân,Ấp Tà Liêm,Ấp Bưng Tiết,Ấp Sóc Bưng}', '{Khmer,Kinh}'),
 ('949', 3, '{Ấp Kinh Ngay,Ấp Trung Thành,Ấp Tân Lộc}', '{Khmer,Kinh}'),
 ('944', 3, '{Ấp Phước Bình,Ấp Tam Sóc,Ấp Cầu Đồn}', '{Khmer,Kinh}'),
 ('942', 2, '{Ấp Phú Hòa,Ấp Sóc Dong}', '{Khmer,Kinh}'),
 ('914', 2, '{Ấp Đầm Chít,Ấp Khánh Hòa,Ấp T4}', '{Khmer,Kinh}'),
 ('903', 2, '{Ấp Thuận An,Ấp Sóc Xoài}', '{Khmer,Kinh}'),
 ('907', 2, '{Ấp Sóc Ven,Ấp Hòa Hưng}', '{Khmer,Kinh}'),
 ('913', 2, '{Ấp Vàm Răng,Ấp Minh Hòa}', '{Khmer,Kinh}'),
 ('908', 2, '{Ấp Xẻo Rô,Ấp Ngọn Tiểu Dừa}', '{Khmer,Kinh}'),
 ('905', 2, '{Ấp Sóc Cung,Ấp Minh Phong}', '{Khmer,Kinh}'),
 ('02', 1, '{Thôn Lũng Pù}', '{H''Mông}'), ('12', 1, '{Bản Pa Vệ Sủ}', '{H''Mông,Dao}'),
 ('11', 1, '{Bản Huổi Lếch}', '{Thái,Khơ Mú}'), ('14', 1, '{Bản Phiêng Cại}', '{Thái,H''Mông}'),
 ('04', 1, '{Xóm Khuổi Nặm}', '{Tày,Nùng}'), ('10', 1, '{Thôn Sín Chải}', '{H''Mông,Dao}'),
 ('62', 1, '{Làng Đăk Wất}', '{Xơ Đăng,Giẻ Triêng}'), ('64', 1, '{Làng Plei Ôi}', '{Gia Rai,Ba Na}'),
 ('40', 1, '{Bản Huồi Pốc}', '{Thái,Ơ Đu}'), ('38', 1, '{Bản Na Khà}', '{Thái,Mường}'),
 ('45', 1, '{Bản A Xing}', '{Vân Kiều,Pa Kô}'), ('66', 1, '{Buôn Đrăng Phók}', '{Ê Đê,M''Nông}');

CREATE TABLE stage.village AS
WITH pts AS (
  SELECT v.code, v.names, v.ethnic, (ST_Dump(ST_GeneratePoints(u.inner_geom, v.n, 8000 + stage.h('v' || v.code) % 100000))).*
  FROM stage.vslot v JOIN stage.unit u ON u.code = v.code
)
SELECT row_number() OVER (ORDER BY p.code, p.path[1]) AS id, p.code, p.path[1] AS k, ST_ReducePrecision(p.geom, 0.00001) AS geom,
       p.names[1 + (p.path[1] - 1) % array_length(p.names, 1)] || ', ' || l.short AS name, p.ethnic, l.region
FROM pts p JOIN stage.unit_label l ON l.code = p.code;

INSERT INTO hardship_villages (id, name, admin_code, poverty_rate, households, population, ethnic_groups, extremely_difficult,
                               new_rural_criteria_met, last_served_on, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT v.id, v.name, v.code, round((12 + stage.h('pr' || v.id) % 5500 / 100.0)::numeric, 2), hh, hh * (38 + stage.h('pp' || v.id) % 20) / 10,
       v.ethnic, stage.h('ed' || v.id) % 5 <> 0, 3 + stage.h('nr' || v.id) % 14,
       CASE WHEN stage.h('ls' || v.id) % 4 <> 0 THEN DATE '2024-03-01' + stage.h('lsd' || v.id) % 900 END,
       v.geom, 'sample-records', true
FROM stage.village v CROSS JOIN LATERAL (SELECT 40 + stage.h('hh' || v.id) % 260 AS hh) x;

-- Red-address sites: real names, approximate positions (pulled inside the province), illustrative attributes.
CREATE TABLE stage.red (name text, province text, lon float8, lat float8, relic_type text, rank text, yr int);
INSERT INTO stage.red VALUES
 ('Địa đạo Kỳ Anh','49',108.53,15.55,'revolutionary','national',1993),
 ('Tượng đài Mẹ Việt Nam Anh hùng','49',108.45,15.56,'memorial','unranked',NULL),
 ('Khu di tích Căn cứ Khu ủy Khu V (Nước Oa)','49',108.19,15.36,'revolutionary','special-national',2016),
 ('Di tích Chiến thắng Núi Thành','49',108.64,15.42,'revolutionary','national',1992),
 ('Di tích Chiến thắng Thượng Đức','49',107.96,15.82,'revolutionary','national',2004),
 ('Khu lưu niệm cụ Huỳnh Thúc Kháng','49',108.31,15.49,'historical','national',1993),
 ('Khu lưu niệm Phan Châu Trinh','49',108.40,15.55,'historical','national',1994),
 ('Địa điểm lưu niệm Mẹ Thứ','49',108.25,15.90,'memorial','provincial',2010),
 ('Di tích Chiến thắng Khâm Đức','49',107.80,15.44,'revolutionary','provincial',2008),
 ('Di tích Chiến thắng Cấm Dơi','49',108.10,15.58,'revolutionary','national',1996),
 ('Nghĩa trang Liệt sĩ tỉnh Quảng Nam','49',108.48,15.58,'memorial','provincial',2005),
 ('Đường Trường Sơn – Đường Hồ Chí Minh (đoạn qua Nam Giang)','49',107.65,15.70,'revolutionary','special-national',2013),
 ('Di tích Căn cứ Huyện ủy Nam Trà My','49',108.10,15.15,'revolutionary','provincial',2012),
 ('Di tích Đường 14 – Tây Giang','49',107.50,15.85,'revolutionary','provincial',2015),
 ('Khu di tích Căn cứ Tỉnh ủy Sóc Trăng','94',105.78,9.63,'revolutionary','national',1997),
 ('Chùa Dơi (Mahatup)','94',105.99,9.58,'architectural','national',1999),
 ('Chùa Kh''leang','94',105.97,9.60,'architectural','national',1991),
 ('Chùa Chén Kiểu (Salôn)','94',105.91,9.55,'architectural','provincial',2005),
 ('Đền thờ Chủ tịch Hồ Chí Minh (Sóc Trăng)','94',105.96,9.61,'memorial','provincial',2011),
 ('Di tích Chiến thắng Ngã Năm','94',105.60,9.56,'revolutionary','provincial',2009),
 ('Di tích lịch sử Nhà tù Phú Quốc','91',104.03,10.05,'revolutionary','special-national',2014),
 ('Đền thờ Anh hùng dân tộc Nguyễn Trung Trực','91',105.08,10.01,'historical','national',1988),
 ('Khu di tích Căn cứ Tỉnh ủy Rạch Giá (U Minh Thượng)','91',105.13,9.62,'revolutionary','national',1996),
 ('Khu di tích Hòn Đất (Anh hùng Phan Thị Ràng – Chị Sứ)','91',104.93,10.19,'revolutionary','national',1993),
 ('Lăng Mạc Cửu','91',104.48,10.39,'historical','national',1989),
 ('Di tích Thạch Động','91',104.50,10.41,'scenic','national',1989),
 ('Dinh Độc Lập','79',106.695,10.777,'historical','special-national',2009),
 ('Bến Nhà Rồng – Bảo tàng Hồ Chí Minh','79',106.707,10.768,'memorial','national',2012),
 ('Địa đạo Củ Chi','79',106.46,11.06,'revolutionary','special-national',2015),
 ('Khu di tích Ngã Ba Giồng','79',106.56,10.90,'revolutionary','national',2004),
 ('Khu di tích Rừng Sác','79',106.86,10.51,'revolutionary','national',2004),
 ('Đình Bình Trị Đông','79',106.61,10.77,'architectural','provincial',2006),
 ('Đình An Lạc','79',106.60,10.72,'architectural','provincial',2008),
 ('Khu di tích Phủ Chủ tịch, Lăng Chủ tịch Hồ Chí Minh','01',105.834,21.037,'revolutionary','special-national',2012),
 ('Hoàng thành Thăng Long','01',105.840,21.035,'archaeological','special-national',2009),
 ('Di tích Nhà tù Hỏa Lò','01',105.847,21.025,'revolutionary','national',1997),
 ('Khu di tích Pác Bó','04',106.04,22.97,'revolutionary','special-national',2009),
 ('Khu di tích Tân Trào','08',105.43,21.78,'revolutionary','special-national',2009),
 ('ATK Định Hóa','19',105.63,21.90,'revolutionary','special-national',2009),
 ('ATK Chợ Đồn','06',105.58,22.18,'revolutionary','national',1999),
 ('Di tích Chiến trường Điện Biên Phủ (Đồi A1)','11',103.02,21.38,'revolutionary','special-national',2009),
 ('Di tích Nhà tù Sơn La','14',103.91,21.33,'revolutionary','special-national',2016),
 ('Khu di tích Ải Chi Lăng','20',106.58,21.65,'historical','special-national',2019),
 ('Bãi cọc Bạch Đằng (Yên Giang)','22',106.78,20.92,'historical','special-national',2012),
 ('Đền Hùng','25',105.32,21.37,'historical','special-national',2009),
 ('Khu di tích Đền Trần','36',106.18,20.44,'historical','special-national',2012),
 ('Quần thể danh thắng Tràng An – Cố đô Hoa Lư','37',105.91,20.29,'historical','special-national',2012),
 ('Khu di tích Hàm Rồng','38',105.79,19.86,'revolutionary','special-national',2012),
 ('Khu di tích Kim Liên','40',105.55,18.71,'memorial','special-national',2012),
 ('Khu di tích Ngã ba Đồng Lộc','42',105.66,18.38,'revolutionary','special-national',2012),
 ('Hang Tám Cô','44',106.17,17.56,'revolutionary','national',1996),
 ('Thành cổ Quảng Trị','45',107.19,16.75,'revolutionary','special-national',2013),
 ('Địa đạo Vịnh Mốc','45',107.07,17.07,'revolutionary','special-national',2014),
 ('Đôi bờ Hiền Lương – Bến Hải','45',107.05,17.00,'revolutionary','special-national',2013),
 ('Quần thể di tích Cố đô Huế','46',107.58,16.47,'architectural','special-national',2009),
 ('Thành Điện Hải','48',108.22,16.08,'historical','national',1988),
 ('Khu chứng tích Sơn Mỹ','51',108.87,15.18,'revolutionary','special-national',2019),
 ('Di tích Ngục Kon Tum','62',108.00,14.35,'revolutionary','national',1993),
 ('Làng kháng chiến Stơr','64',108.58,14.12,'revolutionary','national',1996),
 ('Di tích Tây Sơn Tam Kiệt (Bảo tàng Quang Trung)','52',108.87,13.96,'historical','special-national',2012),
 ('Di tích Nhà đày Buôn Ma Thuột','66',108.04,12.68,'revolutionary','national',1991),
 ('Di tích Căn cứ Trung ương Cục miền Nam','72',106.00,11.60,'revolutionary','special-national',2012),
 ('Sóc Bom Bo','70',107.09,11.85,'revolutionary','national',2006),
 ('Di tích Chiến thắng Ấp Bắc','82',106.22,10.45,'revolutionary','special-national',2016),
 ('Di tích Đồng Khởi Bến Tre','83',106.33,10.12,'revolutionary','national',2000),
 ('Khu di tích Gò Tháp','87',105.82,10.70,'archaeological','special-national',2012),
 ('Khu lưu niệm Chủ tịch Tôn Đức Thắng','89',105.43,10.40,'memorial','national',1989),
 ('Di tích Lộ Vòng Cung','92',105.70,10.00,'revolutionary','national',1993),
 ('Di tích Đồng Nọc Nạng','95',105.68,9.28,'historical','national',1991),
 ('Di tích Nhà tù Côn Đảo','77',106.60,8.68,'revolutionary','special-national',2012),
 ('Khu lưu niệm Thủ tướng Võ Văn Kiệt','86',106.18,10.05,'memorial','national',2012),
 ('Di tích Chiến thắng Chương Thiện','93',105.47,9.78,'revolutionary','provincial',2004);

INSERT INTO red_sites (id, name, relic_type, rank, recognised_year, story, visiting_info, address, admin_code, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT row_number() OVER (ORDER BY r.province, r.name), r.name, r.relic_type, r.rank, r.yr,
       r.name || ' là địa chỉ đỏ giáo dục truyền thống cho đoàn viên, thanh niên; đoàn viên thường tổ chức dâng hương, chăm sóc di tích và sinh hoạt chủ điểm tại đây. (Nội dung minh họa, cần đối chiếu hồ sơ di tích.)',
       'Mở cửa 7:30–11:30 và 13:30–17:00 hằng ngày; đoàn trên 20 người liên hệ trước với Ban quản lý di tích. (Thông tin minh họa.)',
       l.short || ', ' || p.name, stage.lowest_unit(q.pt), q.pt, 'sample-red-sites', true
FROM stage.red r JOIN admin_units p ON p.level = 'province' AND p.valid_to = DATE '2025-07-01' AND p.code = r.province
JOIN stage.unit u ON u.code = r.province AND u.level = 'province'
CROSS JOIN LATERAL (SELECT ST_ReducePrecision(CASE WHEN ST_Contains(u.inner_geom, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326))
                                                    THEN ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
                                                    ELSE ST_ClosestPoint(ST_Buffer(u.inner_geom, -0.002), ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)) END, 0.00001) AS pt) q
JOIN stage.unit_label l ON l.code = stage.lowest_unit(q.pt);
UPDATE red_sites SET address = p.name FROM admin_units p WHERE p.level = 'province' AND p.valid_to = DATE '2025-07-01' AND p.code = red_sites.admin_code;

-- Needs: 32 in hardship villages, 8 in towns (Bình Tân, Sóc Trăng, Rạch Giá).
CREATE TABLE stage.needkind (i int, category text, title text, skills text[], vols int);
INSERT INTO stage.needkind VALUES
 (0,'health','Khám bệnh, cấp thuốc miễn phí','{medical,first-aid}',8),
 (1,'housing','Sửa chữa, xóa nhà tạm cho hộ nghèo','{house-repair,construction-works}',12),
 (2,'education','Tiếp sức đến trường, dạy phụ đạo hè','{teaching,childcare-summer}',6),
 (3,'digital','Hướng dẫn cài đặt VNeID, thanh toán số','{digital-skills}',4),
 (4,'infrastructure','Thắp sáng đường quê','{road-lighting,construction-works}',10),
 (5,'water-safety','Lớp dạy bơi cho thiếu nhi','{swimming-lessons,first-aid}',5),
 (6,'livelihood','Chuyển giao kỹ thuật trồng trọt, chăn nuôi','{agriculture-transfer}',3),
 (7,'environment','Trồng cây, vệ sinh môi trường Chủ nhật xanh','{environment}',15),
 (8,'legal','Tư vấn pháp luật bằng tiếng dân tộc','{legal-aid,ethnic-language}',3);

INSERT INTO needs (id, title, category, required_skills, volunteers_needed, window_start, window_end, priority, status,
                   public_summary, restricted_details, village_id, admin_code, geom, created_by, created_at, updated_at, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT n.id, k.title || ' – ' || n.place, k.category, k.skills, k.vols + stage.h('nv' || n.id) % 6,
       ws, ws + (7 + stage.h('nw' || n.id) % 60),
       (ARRAY['low','normal','normal','high','urgent'])[1 + stage.h('np' || n.id) % 5],
       CASE WHEN stage.h('ns' || n.id) % 6 = 0 THEN 'done' WHEN stage.h('ns' || n.id) % 6 = 1 THEN 'proposed' ELSE 'open' END,
       k.title || ' tại ' || n.place || ' (mẫu minh họa).',
       jsonb_build_object('beneficiary', stage.person('nb' || n.id, n.region), 'phone', stage.phone('nph' || n.id),
                          'households', 1 + stage.h('nh' || n.id) % 12, 'note', 'Dữ liệu giả để thử nghiệm'),
       n.village_id, n.code, n.geom, 'sample-coordinator', TIMESTAMPTZ '2026-11-01 00:00+00', TIMESTAMPTZ '2026-11-01 00:00+00',
       'sample-records', true
FROM (
  SELECT row_number() OVER (ORDER BY o, key) AS id, * FROM (
    SELECT 1 AS o, v.id::text AS key, v.id AS village_id, v.admin_code AS code, v.name AS place, v.geom, l.region
    FROM hardship_villages v JOIN stage.unit_label l ON l.code = v.admin_code WHERE v.id % 4 = 1 AND v.id <= 136
    UNION ALL
    SELECT 2, s.code || g.path[1], NULL, s.code, l.short, ST_ReducePrecision(g.geom, 0.00001), l.region
    FROM (VALUES ('777', 4), ('941', 2), ('899', 2)) s(code, n) JOIN stage.unit u ON u.code = s.code AND u.level = 'district'
    JOIN stage.unit_label l ON l.code = s.code
    CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(u.inner_geom, s.n, 9100 + s.code::int)) g
  ) x
) n
JOIN stage.needkind k ON k.i = stage.h('nk' || n.id) % 9
-- 'done' needs lie in the past (Aug-Nov 2026), the others in the 2026-12 .. 2027-06 window.
CROSS JOIN LATERAL (SELECT CASE WHEN stage.h('ns' || n.id) % 6 = 0 THEN DATE '2026-08-01' + stage.h('nd' || n.id) % 40
                                ELSE DATE '2026-12-01' + stage.h('nd' || n.id) % 150 END AS ws) d;

-- Activities: 80, each by a team, close to it and inside the same unit.
CREATE TABLE stage.campaign (i int, campaign text, name text, start_md text, outputs text);
INSERT INTO stage.campaign VALUES
 (0,'Tháng Thanh niên','Ra quân Tháng Thanh niên','03-05','{"trees_planted": %s}'),
 (1,'Tháng Ba biên giới','Tháng Ba biên giới: khám bệnh, tặng quà bà con','03-20','{"health_checks": %s}'),
 (2,'Chủ nhật xanh','Ngày Chủ nhật xanh: thu gom rác, trồng cây','04-14','{"trees_planted": %s, "waste_kg": 300}'),
 (3,'Chiến dịch Thanh niên tình nguyện Hè','Chiến dịch Thanh niên tình nguyện Hè: làm đường giao thông nông thôn','07-01','{"road_m": %s}'),
 (4,'Xuân tình nguyện','Xuân tình nguyện: tặng quà Tết hộ nghèo','01-20','{"gifts": %s}'),
 (5,'Tiếp sức đến trường','Tiếp sức đến trường: tặng xe đạp, sách vở','08-25','{"scholarships": %s}'),
 (6,'Thắp sáng đường biên','Thắp sáng đường biên, đường quê','05-10','{"lights_installed": %s}'),
 (7,'Xóa nhà tạm, nhà dột nát','Xây nhà nhân ái, xóa nhà tạm','06-15','{"houses_repaired": %s}'),
 (8,'Dạy bơi miễn phí','Lớp dạy bơi miễn phí cho thiếu nhi','06-01','{"children_taught": %s}'),
 (9,'Hiến máu tình nguyện','Ngày hội Hiến máu tình nguyện','02-15','{"blood_units": %s}'),
 (10,'Chuyển đổi số','Tổ công nghệ số hướng dẫn dịch vụ công trực tuyến','09-10','{"people_helped": %s}');

INSERT INTO activities (id, name, campaign, started_on, ended_on, participants, volunteer_hours, beneficiaries, outputs,
                        team_id, admin_code, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT a.i, c.name || ' (' || t.name || ')', c.campaign, sd, sd + stage.h('ae' || a.i) % 5, p, p * (4 + stage.h('ah' || a.i) % 20),
       20 + stage.h('ab' || a.i) % 400, format(c.outputs, 2 + stage.h('ao' || a.i) % 300)::jsonb,
       t.id, t.admin_code, q.pt, 'sample-records', true
FROM generate_series(1, 80) a(i)
JOIN teams t ON t.id = 1 + (stage.h('at' || a.i) % 251)
JOIN stage.unit u ON u.code = t.admin_code AND u.level = (SELECT level FROM stage.unit_label l WHERE l.code = t.admin_code)
JOIN stage.campaign c ON c.i = stage.h('ac' || a.i) % 11
CROSS JOIN LATERAL (SELECT (CASE WHEN stage.h('ay' || a.i) % 2 = 0 THEN '2025-' ELSE '2026-' END || c.start_md)::date + stage.h('add' || a.i) % 20 AS sd,
                           3 + stage.h('ap' || a.i) % 60 AS p) x
CROSS JOIN LATERAL (SELECT ST_ReducePrecision(coalesce(
     (SELECT g.geom FROM ST_Dump(ST_GeneratePoints(ST_Intersection(u.inner_geom, ST_Buffer(t.geom::geography, 2000)::geometry), 1, 9900 + a.i)) g LIMIT 1),
     t.geom), 0.00001) AS pt) q;

-- Activities that closed a 'done' need: the nearest active team with a matching skill did it.
INSERT INTO activities (id, name, campaign, started_on, ended_on, participants, volunteer_hours, beneficiaries, outputs,
                        team_id, need_id, admin_code, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT 80 + row_number() OVER (ORDER BY n.id), n.title, 'Hỗ trợ theo nhu cầu', n.window_start, n.window_start + 2,
       n.volunteers_needed, n.volunteers_needed * 8, 10 + stage.h('nb' || n.id) % 90,
       jsonb_build_object('need_closed', true, 'households_helped', 1 + stage.h('nh' || n.id) % 12),
       t.id, n.id, n.admin_code, n.geom, 'sample-records', true
FROM needs n
CROSS JOIN LATERAL (SELECT id FROM teams t WHERE t.status = 'active' AND t.skills && n.required_skills
                    ORDER BY t.geom::geography <-> n.geom::geography, t.id LIMIT 1) t
WHERE n.status = 'done';
