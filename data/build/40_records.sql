-- SAMPLE records: skills, teams, availability, red-address sites, hardship villages, needs, activities.
-- Deterministic: every "random" choice is stage.h(key) (md5-based), points use ST_GeneratePoints(g, n, seed).
\set ON_ERROR_STOP on

CREATE OR REPLACE FUNCTION stage.h(k text) RETURNS int LANGUAGE sql IMMUTABLE AS
$$ SELECT (('x' || substr(md5(k), 1, 7))::bit(28))::int $$;   -- 0 .. 2^28-1
CREATE OR REPLACE FUNCTION stage.pick(arr text[], k text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT arr[1 + stage.h(k) % array_length(arr, 1)] $$;
CREATE OR REPLACE FUNCTION stage.phone(k text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT '0900 0' || lpad((stage.h(k || 'a') % 100)::text, 2, '0') || ' ' || lpad((stage.h(k || 'b') % 1000)::text, 3, '0') $$;
CREATE OR REPLACE FUNCTION stage.person(k text, region text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
 SELECT CASE region
  WHEN 'coTu' THEN stage.pick('{Alăng,Bhling,Clâu,Briu,Zơ Râm,Ating,Hốih,Pơloong}', k || 'f') || ' ' || stage.pick('{"Thị ","Văn ",""}', k || 'm') || stage.pick('{Bươn,Nhím,Đàn,Hoa,Lệ,Quân,Tiêu,Sơn,Hương,Vui}', k || 'g')
  WHEN 'xoDang' THEN stage.pick('{Hồ Văn,Hồ Thị,Đinh Văn,Đinh Thị,Trần Văn,Hồ Ngọc}', k || 'f') || ' ' || stage.pick('{Bảy,Tám,Lợi,Mai,Hòa,Thắm,Vinh,Dũng,Nhỏ,Liên}', k || 'g')
  WHEN 'khmer' THEN stage.pick('{Thạch,Sơn,Lâm,Danh,Kim,Lý,Trịnh}', k || 'f') || ' ' || stage.pick('{"Thị ","Văn ",""}', k || 'm') || stage.pick('{Sà Rết,Sô Phal,Chanh Đa,Ri Na,Sóc,Thol,Phươl,Sa Rây,Mạnh,Pha}', k || 'g')
  ELSE stage.pick('{Nguyễn,Trần,Lê,Phạm,Hoàng,Huỳnh,Phan,Võ,Đặng,Bùi,Đỗ,Ngô}', k || 'f') || ' ' || stage.pick('{Văn,Thị,Minh,Thanh,Ngọc,Quốc,Thu,Hữu}', k || 'm') || ' ' || stage.pick('{An,Bình,Chi,Dũng,Giang,Hà,Hải,Hạnh,Khoa,Lan,Long,Mai,Nam,Phúc,Quang,Thảo,Trang,Tuấn,Vy,Yến}', k || 'g')
 END $$;

INSERT INTO skills (code, label_vi, label_en) VALUES
 ('medical', 'Y tế, khám chữa bệnh, cấp thuốc', 'Medical care, health check-ups'),
 ('first-aid', 'Sơ cấp cứu', 'First aid'),
 ('blood-donation', 'Hiến máu tình nguyện', 'Voluntary blood donation'),
 ('house-repair', 'Xây, sửa nhà; xóa nhà tạm, nhà dột nát', 'Building and repairing houses (replacing makeshift homes)'),
 ('road-lighting', 'Thắp sáng đường quê, đường biên', 'Village and border road lighting'),
 ('teaching', 'Dạy học, phụ đạo, Tiếp sức đến trường', 'Teaching and tutoring, back-to-school support'),
 ('digital-skills', 'Chuyển đổi số, kỹ năng số cộng đồng', 'Digital skills and digital transformation'),
 ('environment', 'Môi trường, Chủ nhật xanh, trồng cây', 'Environment, Green Sunday, tree planting'),
 ('agriculture-transfer', 'Chuyển giao khoa học kỹ thuật nông nghiệp', 'Agricultural science and technology transfer'),
 ('swimming-lessons', 'Dạy bơi, phòng chống đuối nước', 'Swimming lessons, drowning prevention'),
 ('legal-aid', 'Tư vấn, trợ giúp pháp lý', 'Legal advice and aid'),
 ('ethnic-language', 'Tiếng dân tộc thiểu số, phiên dịch', 'Ethnic-minority languages, interpreting'),
 ('logistics', 'Hậu cần, vận chuyển', 'Logistics and transport'),
 ('psychosocial-support', 'Hỗ trợ tâm lý, tham vấn', 'Psychosocial support and counselling'),
 ('childcare-summer', 'Sinh hoạt hè, chăm sóc thiếu nhi', 'Summer activities and childcare'),
 ('construction-works', 'Công trình thanh niên: đường, cầu, nhà văn hóa', 'Youth works: roads, bridges, community halls');

-- Where teams go: (unit, how many). Concentrated in the focus areas, one per other province.
CREATE TABLE stage.slot AS
SELECT code, n FROM (
  SELECT code, 2 AS n FROM admin_units WHERE level = 'commune' AND parent_code = '516'
  UNION ALL SELECT code, CASE WHEN code::int % 2 = 0 THEN 2 ELSE 1 END FROM admin_units WHERE level = 'commune' AND parent_code IN ('504', '510')
  UNION ALL SELECT code, CASE code WHEN '502' THEN 8 WHEN '504' THEN 0 WHEN '510' THEN 0 WHEN '516' THEN 0 ELSE 2 END FROM admin_units WHERE level = 'district' AND parent_code = '49'
  UNION ALL SELECT code, CASE code WHEN '941' THEN 6 ELSE 3 END FROM admin_units WHERE level = 'district' AND parent_code = '94'
  UNION ALL SELECT code, CASE code WHEN '899' THEN 5 ELSE 2 END FROM admin_units WHERE level = 'district' AND parent_code = '91'
  UNION ALL SELECT code, CASE code WHEN '777' THEN 16 ELSE 1 END FROM admin_units WHERE level = 'district' AND parent_code = '79'
  UNION ALL SELECT code, 1 FROM stage.oldprov WHERE code NOT IN ('49', '94', '91', '79')
) s WHERE n > 0;

-- Labels for a unit: short form used in names ("xã Trà Mai") and the Youth Union body ("Đoàn xã Trà Mai").
CREATE TABLE stage.unit_label AS
SELECT a.code, a.level, a.parent_code,
       CASE WHEN a.level = 'province' THEN CASE WHEN a.code IN ('01','31','48','79','92') THEN 'thành phố ' || replace(a.name, 'TP. ', '') ELSE 'tỉnh ' || a.name END
            ELSE lower(split_part(a.name, ' ', 1)) || substr(a.name, length(split_part(a.name, ' ', 1)) + 1) END AS short,
       CASE WHEN a.level = 'province' THEN CASE WHEN a.code IN ('01','31','48','79','92') THEN 'Thành Đoàn ' || a.name ELSE 'Tỉnh đoàn ' || a.name END
            WHEN a.level = 'commune' THEN 'Đoàn ' || lower(split_part(a.name, ' ', 1)) || substr(a.name, length(split_part(a.name, ' ', 1)) + 1)
            WHEN a.name LIKE 'Quận %' THEN 'Quận Đoàn ' || substr(a.name, 6)
            WHEN a.name LIKE 'Huyện %' THEN 'Huyện Đoàn ' || substr(a.name, 7)
            WHEN a.name LIKE 'Thị xã %' THEN 'Thị Đoàn ' || substr(a.name, 8)
            WHEN a.name LIKE 'Thành phố %' THEN 'Thành Đoàn ' || substr(a.name, 11)
            ELSE 'Đoàn ' || a.name END AS youth_union,
       CASE WHEN a.code IN ('516', '515') OR a.parent_code = '516' THEN 'xoDang'
            WHEN a.code IN ('504', '505', '510', '511') OR a.parent_code IN ('504', '510') THEN 'coTu'
            WHEN a.code IN ('94', '91') OR a.parent_code IN ('94', '91') THEN 'khmer' ELSE 'kinh' END AS region,
       CASE WHEN a.level = 'province' THEN a.code WHEN a.level = 'district' THEN a.parent_code
            ELSE (SELECT d.parent_code FROM admin_units d WHERE d.level = 'district' AND d.code = a.parent_code) END AS province
FROM admin_units a WHERE a.level IN ('commune', 'district') OR (a.level = 'province' AND a.valid_to = DATE '2025-07-01');

-- Name templates: (template, type, skills).
CREATE TABLE stage.tmpl (i int, name text, team_type text, skills text[]);
INSERT INTO stage.tmpl VALUES
 (0, 'CLB Thanh niên tình nguyện %s', 'club', '{environment,house-repair,logistics}'),
 (1, 'Đội hình Thầy thuốc trẻ %s', 'specialist', '{medical,first-aid}'),
 (2, 'Tổ công nghệ số cộng đồng %s', 'team', '{digital-skills,teaching}'),
 (3, 'CLB Hiến máu tình nguyện %s', 'club', '{blood-donation,first-aid}'),
 (4, 'Đội hình dạy bơi %s', 'team', '{swimming-lessons,first-aid,childcare-summer}'),
 (5, 'Đội hình xây nhà nhân ái %s', 'team', '{house-repair,construction-works,logistics}'),
 (6, 'Nhóm Chủ nhật xanh %s', 'group', '{environment}'),
 (7, 'Đội hình Tiếp sức đến trường %s', 'group', '{teaching,childcare-summer}'),
 (8, 'Đội hình chuyển giao khoa học kỹ thuật %s', 'specialist', '{agriculture-transfer,digital-skills}'),
 (9, 'Đội hình Thắp sáng đường quê %s', 'team', '{road-lighting,construction-works}'),
 (10, 'CLB Trợ giúp pháp lý thanh niên %s', 'specialist', '{legal-aid,ethnic-language}'),
 (11, 'Nhóm sinh hoạt hè thiếu nhi %s', 'group', '{childcare-summer,teaching,psychosocial-support}'),
 (12, 'Đội thanh niên xung kích %s', 'team', '{logistics,first-aid,house-repair}'),
 (13, 'CLB Tham vấn tâm lý thanh thiếu nhi %s', 'club', '{psychosocial-support,teaching}');

CREATE TABLE stage.team AS
WITH pts AS (
  SELECT s.code, (ST_Dump(ST_GeneratePoints(u.inner_geom, s.n, 7000 + stage.h(s.code) % 100000))).* FROM stage.slot s JOIN stage.unit u ON u.code = s.code
     AND u.level = (SELECT level FROM stage.unit_label l WHERE l.code = s.code)
), numbered AS (
  SELECT code, path[1] AS k, ST_ReducePrecision(geom, 0.00001) AS geom FROM pts
)
SELECT row_number() OVER (ORDER BY l.province, n.code, n.k) AS id, n.code, n.k, n.geom, l.level, l.parent_code, l.short, l.youth_union, l.region, l.province, t.name AS tmpl, t.team_type, t.skills AS tskills
FROM numbered n JOIN stage.unit_label l ON l.code = n.code
JOIN stage.tmpl t ON t.i = (stage.h(n.code) + n.k * 5) % 14;

-- Bình Tân wards give more local names to the teams of district 777.
UPDATE stage.team SET short = 'phường ' || stage.pick('{An Lạc,An Lạc A,Bình Hưng Hòa,Bình Hưng Hòa A,Bình Hưng Hòa B,Bình Trị Đông,Bình Trị Đông A,Bình Trị Đông B,Tân Tạo,Tân Tạo A}', 'w' || id)
WHERE code = '777' AND k % 3 <> 0;

INSERT INTO teams (id, name, team_type, parent_unit, admin_code, skills, languages, members, capacity, status, founded_on,
                   description, public_phone, public_email, private_contact_name, private_phone, service_radius_m,
                   last_assigned_at, geom, source_id, is_sample, created_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT t.id,
       format(t.tmpl, t.short) || CASE WHEN count(*) OVER (PARTITION BY format(t.tmpl, t.short)) > 1
                                      THEN ' ' || row_number() OVER (PARTITION BY format(t.tmpl, t.short) ORDER BY t.id) ELSE '' END,
       t.team_type, t.youth_union, t.code,
       (SELECT array_agg(x ORDER BY x) FROM (SELECT DISTINCT x FROM unnest(t.tskills[1:1 + stage.h('s' || t.id) % 3]
              || CASE WHEN t.region IN ('coTu', 'xoDang', 'khmer') AND stage.h('el' || t.id) % 3 = 0 THEN ARRAY['ethnic-language'] ELSE '{}' END) x) y),
       CASE t.region WHEN 'coTu' THEN CASE WHEN t.code LIKE '510%' AND stage.h('l' || t.id) % 2 = 0 THEN '{vi,ktv,jeh}'::text[] ELSE '{vi,ktv}'::text[] END WHEN 'xoDang' THEN '{vi,sed}'::text[] WHEN 'khmer' THEN CASE WHEN stage.h('l' || t.id) % 2 = 0 THEN '{vi,khm}'::text[] ELSE '{vi}'::text[] END
                     ELSE CASE WHEN stage.h('l' || t.id) % 6 = 0 THEN '{vi,eng}'::text[] ELSE '{vi}'::text[] END END,
       m.members, greatest(2, m.members * (30 + stage.h('c' || t.id) % 60) / 100),
       CASE WHEN stage.h('st' || t.id) % 10 = 0 THEN 'inactive' ELSE 'active' END,
       DATE '2012-01-01' + (stage.h('f' || t.id) % 4700),
       'Mẫu minh họa. ' || format(t.tmpl, t.short) || ' trực thuộc ' || t.youth_union || '; tham gia các chiến dịch tình nguyện của Đoàn tại địa phương.',
       CASE WHEN stage.h('pp' || t.id) % 3 = 0 THEN stage.phone('pub' || t.id) END,
       CASE WHEN stage.h('pe' || t.id) % 4 = 0 THEN 'doihinh' || t.id || '@example.org' END,
       CASE WHEN stage.h('pc' || t.id) % 8 <> 0 THEN stage.person('p' || t.id, t.region) END,
       CASE WHEN stage.h('pc' || t.id) % 8 <> 0 THEN stage.phone('prv' || t.id) END,
       -- Reach: a commune team serves its commune and neighbours (5-15 km), a district team the
       -- district (15-40 km), a provincial team a good part of the province (40-100 km).
       CASE t.level WHEN 'commune' THEN 5000 + (stage.h('r' || t.id) % 11) * 1000
                    WHEN 'district' THEN 15000 + (stage.h('r' || t.id) % 26) * 1000
                    ELSE 40000 + (stage.h('r' || t.id) % 7) * 10000 END,
       CASE WHEN stage.h('la' || t.id) % 3 = 0 THEN TIMESTAMPTZ '2026-01-05 08:00+07' + make_interval(days => stage.h('lad' || t.id) % 300) END,
       t.geom, 'sample-records', true, TIMESTAMPTZ '2026-11-01 00:00+00', TIMESTAMPTZ '2026-11-01 00:00+00'
FROM stage.team t
CROSS JOIN LATERAL (SELECT 8 + stage.h('mb' || t.id) % CASE t.level WHEN 'commune' THEN 30 ELSE 80 END AS members) m;

-- Availability for ~85% of teams, as teams commit: the spring term of 2026, the 2026-2027 school
-- year (ending on a different day for each team) and, for a third of them, the 2027 summer campaign.
INSERT INTO team_availability (team_id, period)
SELECT t.id, p.period
FROM teams t
CROSS JOIN LATERAL (VALUES
    (1, daterange(DATE '2026-01-05' + stage.h('a1' || t.id) % 20, DATE '2026-06-30' - stage.h('b1' || t.id) % 20, '[]')),
    (2, daterange(DATE '2026-09-01' + stage.h('a2' || t.id) % 30, DATE '2027-06-30' - stage.h('b2' || t.id) % 45, '[]')),
    (3, daterange(DATE '2027-07-01', DATE '2027-08-31' - stage.h('b3' || t.id) % 20, '[]'))) AS p(w, period)
WHERE stage.h('av' || t.id) % 7 <> 0 AND (p.w < 3 OR stage.h('an' || t.id) % 3 = 0);
