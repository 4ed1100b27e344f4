-- SAMPLE districts and communes: Voronoi cells around approximate centre points, clipped to the
-- real (Natural Earth) province or district outline. Not official boundaries.
\set ON_ERROR_STOP on

CREATE TABLE stage.district_seed (province text, code text, name text, name_en text, lon float8, lat float8);
INSERT INTO stage.district_seed VALUES
 -- Quảng Nam (49): 18 districts, GSO codes 502-519 as best known. Points are approximate district centres.
 ('49','502','Thành phố Tam Kỳ','Tam Ky City',108.49,15.57),
 ('49','503','Thành phố Hội An','Hoi An City',108.33,15.88),
 ('49','504','Huyện Tây Giang','Tay Giang District',107.42,15.90),
 ('49','505','Huyện Đông Giang','Dong Giang District',107.76,15.96),
 ('49','506','Huyện Đại Lộc','Dai Loc District',108.02,15.86),
 ('49','507','Thị xã Điện Bàn','Dien Ban Town',108.23,15.90),
 ('49','508','Huyện Duy Xuyên','Duy Xuyen District',108.21,15.78),
 ('49','509','Huyện Quế Sơn','Que Son District',108.18,15.67),
 ('49','510','Huyện Nam Giang','Nam Giang District',107.56,15.60),
 ('49','511','Huyện Phước Sơn','Phuoc Son District',107.85,15.35),
 ('49','512','Huyện Hiệp Đức','Hiep Duc District',108.06,15.55),
 ('49','513','Huyện Thăng Bình','Thang Binh District',108.38,15.71),
 ('49','514','Huyện Tiên Phước','Tien Phuoc District',108.30,15.48),
 ('49','515','Huyện Bắc Trà My','Bac Tra My District',108.20,15.30),
 ('49','516','Huyện Nam Trà My','Nam Tra My District',108.12,15.13),
 ('49','517','Huyện Núi Thành','Nui Thanh District',108.62,15.40),
 ('49','518','Huyện Phú Ninh','Phu Ninh District',108.42,15.52),
 ('49','519','Huyện Nông Sơn','Nong Son District',107.98,15.68),
 -- Sóc Trăng (94): 11 districts, codes 941-951 as best known.
 ('94','941','Thành phố Sóc Trăng','Soc Trang City',105.97,9.60),
 ('94','942','Huyện Châu Thành','Chau Thanh District',105.88,9.70),
 ('94','943','Huyện Kế Sách','Ke Sach District',105.99,9.80),
 ('94','944','Huyện Mỹ Tú','My Tu District',105.77,9.63),
 ('94','945','Huyện Cù Lao Dung','Cu Lao Dung District',106.21,9.60),
 ('94','946','Huyện Long Phú','Long Phu District',106.08,9.66),
 ('94','947','Huyện Mỹ Xuyên','My Xuyen District',105.93,9.50),
 ('94','948','Thị xã Ngã Năm','Nga Nam Town',105.61,9.56),
 ('94','949','Huyện Thạnh Trị','Thanh Tri District',105.72,9.45),
 ('94','950','Thị xã Vĩnh Châu','Vinh Chau Town',105.98,9.33),
 ('94','951','Huyện Trần Đề','Tran De District',106.10,9.50),
 -- Kiên Giang (91): 14 districts, codes 899-914 as best known. Kiên Hải (912, islands) is left out:
 -- the Natural Earth outline has no land there.
 ('91','899','Thành phố Rạch Giá','Rach Gia City',105.09,10.01),
 ('91','900','Thành phố Hà Tiên','Ha Tien City',104.49,10.38),
 ('91','902','Huyện Kiên Lương','Kien Luong District',104.65,10.25),
 ('91','903','Huyện Hòn Đất','Hon Dat District',104.93,10.18),
 ('91','904','Huyện Tân Hiệp','Tan Hiep District',105.28,10.11),
 ('91','905','Huyện Châu Thành','Chau Thanh District',105.18,9.95),
 ('91','906','Huyện Giồng Riềng','Giong Rieng District',105.31,9.91),
 ('91','907','Huyện Gò Quao','Go Quao District',105.27,9.74),
 ('91','908','Huyện An Biên','An Bien District',105.06,9.81),
 ('91','909','Huyện An Minh','An Minh District',104.98,9.65),
 ('91','910','Huyện Vĩnh Thuận','Vinh Thuan District',105.25,9.52),
 ('91','911','Thành phố Phú Quốc','Phu Quoc City',103.97,10.23),
 ('91','913','Huyện U Minh Thượng','U Minh Thuong District',105.12,9.62),
 ('91','914','Huyện Giang Thành','Giang Thanh District',104.66,10.46),
 -- TP. Hồ Chí Minh (79): all 22 districts so the cells tile the city; Bình Tân = 777.
 ('79','760','Quận 1','District 1',106.700,10.776),
 ('79','761','Quận 12','District 12',106.650,10.867),
 ('79','764','Quận Gò Vấp','Go Vap District',106.668,10.838),
 ('79','765','Quận Bình Thạnh','Binh Thanh District',106.710,10.812),
 ('79','766','Quận Tân Bình','Tan Binh District',106.652,10.801),
 ('79','767','Quận Tân Phú','Tan Phu District',106.628,10.790),
 ('79','768','Quận Phú Nhuận','Phu Nhuan District',106.680,10.799),
 ('79','769','Thành phố Thủ Đức','Thu Duc City',106.770,10.830),
 ('79','770','Quận 3','District 3',106.684,10.784),
 ('79','771','Quận 10','District 10',106.667,10.773),
 ('79','772','Quận 11','District 11',106.650,10.763),
 ('79','773','Quận 4','District 4',106.705,10.758),
 ('79','774','Quận 5','District 5',106.666,10.755),
 ('79','775','Quận 6','District 6',106.635,10.748),
 ('79','776','Quận 8','District 8',106.640,10.724),
 ('79','777','Quận Bình Tân','Binh Tan District',106.603,10.765),
 ('79','778','Quận 7','District 7',106.721,10.733),
 ('79','783','Huyện Củ Chi','Cu Chi District',106.490,11.000),
 ('79','784','Huyện Hóc Môn','Hoc Mon District',106.590,10.890),
 ('79','785','Huyện Bình Chánh','Binh Chanh District',106.560,10.720),
 ('79','786','Huyện Nhà Bè','Nha Be District',106.730,10.660),
 ('79','787','Huyện Cần Giờ','Can Gio District',106.870,10.480);

CREATE TABLE stage.oldprov AS SELECT code, geom FROM admin_units WHERE level = 'province' AND valid_to = DATE '2025-07-01';

-- Seeds that fall just outside the generalised outline (coast, river islands) are pulled inside.
UPDATE stage.district_seed s SET lon = ST_X(q.pt), lat = ST_Y(q.pt)
FROM (SELECT s2.code, ST_ClosestPoint(ST_Buffer(p.geom, -0.005), ST_SetSRID(ST_MakePoint(s2.lon, s2.lat), 4326)) AS pt
      FROM stage.district_seed s2 JOIN stage.oldprov p ON p.code = s2.province
      WHERE NOT ST_Contains(ST_Buffer(p.geom, -0.002), ST_SetSRID(ST_MakePoint(s2.lon, s2.lat), 4326))) q
WHERE q.code = s.code;

-- Voronoi cells per province, each cell matched to the seed it contains, clipped to the province.
CREATE TABLE stage.district AS
WITH cells AS (
  SELECT s.province, (ST_Dump(ST_VoronoiPolygons(ST_Collect(ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)), 0,
                                               ST_Expand(p.geom, 1)))).geom AS cell
  FROM stage.district_seed s JOIN stage.oldprov p ON p.code = s.province
  GROUP BY s.province, p.geom
)
SELECT s.code, s.name, s.name_en, s.province,
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision(ST_Intersection(c.cell, p.geom), 0.00001)), 3))::geometry(MultiPolygon, 4326) AS geom
FROM stage.district_seed s
JOIN cells c ON c.province = s.province AND ST_Contains(c.cell, ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326))
JOIN stage.oldprov p ON p.code = s.province;

DO $$ BEGIN
  IF (SELECT count(*) FROM stage.district WHERE NOT ST_IsEmpty(geom)) <> (SELECT count(*) FROM stage.district_seed) THEN
    RAISE EXCEPTION 'some sample district has no cell'; END IF;
END $$;

-- Laos and Cambodia boundary lines as they touch the old provinces (used for communes and borders).
CREATE TABLE stage.border_line AS
SELECT 'LA' AS country, '49' AS province,
       ST_LineMerge(ST_Intersection(ST_Boundary(p.geom), ST_Buffer(c.geom, 0.01))) AS geom
FROM stage.oldprov p, stage.countries_geom c WHERE p.code = '49' AND c.name = 'Laos'
UNION ALL
SELECT 'KH', '91', ST_LineMerge(ST_Intersection(ST_Boundary(p.geom), ST_Buffer(c.geom, 0.01)))
FROM stage.oldprov p, stage.countries_geom c WHERE p.code = '91' AND c.name = 'Cambodia';

-- SAMPLE communes. Codes are sample codes: district code + 2 digits (e.g. 51601). They are
-- above the highest GSO commune code (~32 250) so they cannot collide with or pass for real ones.
-- border = true names the communes that lie on the Laos border; their seeds are the random points
-- nearest the border line.
CREATE TABLE stage.commune_name (district text, ord int, name text, name_en text, border boolean);
INSERT INTO stage.commune_name VALUES
 ('516',1,'Xã Trà Mai','Tra Mai Commune',false), ('516',2,'Xã Trà Don','Tra Don Commune',false),
 ('516',3,'Xã Trà Leng','Tra Leng Commune',false), ('516',4,'Xã Trà Tập','Tra Tap Commune',false),
 ('516',5,'Xã Trà Cang','Tra Cang Commune',false), ('516',6,'Xã Trà Vân','Tra Van Commune',false),
 ('516',7,'Xã Trà Nam','Tra Nam Commune',false), ('516',8,'Xã Trà Linh','Tra Linh Commune',false),
 ('516',9,'Xã Trà Dơn','Tra Don (2) Commune',false), ('516',10,'Xã Trà Vinh','Tra Vinh Commune',false),
 ('504',1,'Xã A Xan','A Xan Commune',true), ('504',2,'Xã Ch''ơm','Ch''om Commune',true),
 ('504',3,'Xã Ga Ri','Ga Ri Commune',true), ('504',4,'Xã Tr''Hy','Tr''Hy Commune',true),
 ('504',5,'Xã A Tiêng','A Tieng Commune',false), ('504',6,'Xã A Vương','A Vuong Commune',false),
 ('504',7,'Xã Bha Lê','Bha Le Commune',false), ('504',8,'Xã Dang','Dang Commune',false),
 ('504',9,'Xã Lăng','Lang Commune',false), ('504',10,'Xã A Nông','A Nong Commune',false),
 ('510',1,'Xã La Êê','La Ee Commune',true), ('510',2,'Xã La Dêê','La Dee Commune',true),
 ('510',3,'Xã Đắc Pre','Dac Pre Commune',true), ('510',4,'Xã Đắc Pring','Dac Pring Commune',true),
 ('510',5,'Thị trấn Thạnh Mỹ','Thanh My Town',false), ('510',6,'Xã Cà Dy','Ca Dy Commune',false),
 ('510',7,'Xã Tà Bhing','Ta Bhing Commune',false), ('510',8,'Xã Tà Pơơ','Ta Poo Commune',false),
 ('510',9,'Xã Chà Vàl','Cha Val Commune',false), ('510',10,'Xã Zuôih','Zuoih Commune',false),
 ('510',11,'Xã Đắc Tôi','Dac Toi Commune',false), ('510',12,'Xã Chơ Chun','Cho Chun Commune',false);

CREATE TABLE stage.commune_seed AS
WITH pts AS (
  SELECT d.code AS district, (ST_Dump(ST_GeneratePoints(ST_Buffer(d.geom, -0.01), n.cnt::int, 4900 + d.code::int))).geom AS pt
  FROM stage.district d JOIN (SELECT district, count(*) AS cnt FROM stage.commune_name GROUP BY district) n ON n.district = d.code
), ranked AS (
  SELECT p.district, p.pt,
         row_number() OVER (PARTITION BY p.district ORDER BY
            coalesce(ST_Distance(p.pt, (SELECT geom FROM stage.border_line WHERE country = 'LA')), 0), ST_X(p.pt), ST_Y(p.pt)) AS ord
  FROM pts p
)
SELECT c.district, c.ord, c.name, c.name_en, c.border, r.pt
FROM stage.commune_name c JOIN ranked r ON r.district = c.district AND r.ord = c.ord;

CREATE TABLE stage.commune AS
WITH cells AS (
  SELECT s.district, (ST_Dump(ST_VoronoiPolygons(ST_Collect(s.pt), 0, ST_Expand(d.geom, 1)))).geom AS cell
  FROM stage.commune_seed s JOIN stage.district d ON d.code = s.district
  GROUP BY s.district, d.geom
)
SELECT s.district || lpad(s.ord::text, 2, '0') AS code, s.name, s.name_en, s.district, s.border,
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision(ST_Intersection(c.cell, d.geom), 0.00001)), 3))::geometry(MultiPolygon, 4326) AS geom
FROM stage.commune_seed s
JOIN cells c ON c.district = s.district AND ST_Contains(c.cell, s.pt)
JOIN stage.district d ON d.code = s.district;

INSERT INTO admin_units (id, code, level, parent_code, name, name_en, valid_from, valid_to, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT 1000 + row_number() OVER (ORDER BY code), code, 'district', province, name, name_en,
       DATE '2008-08-01', DATE '2025-07-01', geom, 'sample-admin-voronoi', true
FROM stage.district;

INSERT INTO admin_units (id, code, level, parent_code, name, name_en, valid_from, valid_to, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT 2000 + row_number() OVER (ORDER BY code), code, 'commune', district, name, name_en,
       DATE '2008-08-01', DATE '2025-07-01', geom, 'sample-admin-voronoi', true
FROM stage.commune;

-- The lowest unit containing a point: sample commune, else sample district, else old province.
CREATE TABLE stage.unit AS
SELECT code, level, geom, ST_Buffer(geom, -0.002) AS inner_geom,
       CASE level WHEN 'commune' THEN 1 WHEN 'district' THEN 2 ELSE 3 END AS rank
FROM admin_units WHERE level IN ('commune', 'district') OR (level = 'province' AND valid_to = DATE '2025-07-01');
CREATE INDEX ON stage.unit USING gist (geom);
CREATE OR REPLACE FUNCTION stage.lowest_unit(p geometry) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT code FROM stage.unit WHERE ST_Intersects(geom, p) ORDER BY rank, code LIMIT 1 $$;
