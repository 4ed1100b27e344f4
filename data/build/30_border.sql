-- SAMPLE border belts, border communes and border markers along the Natural Earth boundary.
\set ON_ERROR_STOP on

-- Longest piece of each boundary line as a single LineString.
CREATE TABLE stage.border_main AS
SELECT DISTINCT ON (country) country, province, geom
FROM (SELECT country, province, (ST_Dump(geom)).geom AS geom FROM stage.border_line) d
ORDER BY country, ST_Length(geom) DESC;

INSERT INTO border_areas (id, name, kind, admin_code, neighbour_country, neighbour_province, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT 1, 'Vành đai biên giới Quảng Nam – Sê Kông (Lào), 10 km (mẫu)', 'border-belt', '49', 'LA', 'Sê Kông',
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision(ST_Intersection(p.geom, ST_Buffer(b.geom::geography, 10000)::geometry), 0.00001)), 3)),
       'sample-border', true
FROM stage.oldprov p, stage.border_line b WHERE p.code = '49' AND b.country = 'LA'
UNION ALL
SELECT 2, 'Vành đai biên giới Kiên Giang – Kampot, Takéo (Campuchia), 10 km (mẫu)', 'border-belt', '91', 'KH', 'Kampot, Takéo',
       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_ReducePrecision(ST_Intersection(p.geom, ST_Buffer(b.geom::geography, 10000)::geometry), 0.00001)), 3)),
       'sample-border', true
FROM stage.oldprov p, stage.border_line b WHERE p.code = '91' AND b.country = 'KH';

-- Border communes: sample communes that touch the Laos boundary.
INSERT INTO border_areas (id, name, kind, admin_code, neighbour_country, neighbour_province, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT 10 + row_number() OVER (ORDER BY a.code), a.name || ' (xã biên giới, mẫu)', 'border-commune', a.code, 'LA', 'Sê Kông',
       a.geom, 'sample-border', true
FROM admin_units a, stage.border_line b
WHERE a.level = 'commune' AND b.country = 'LA' AND ST_Intersects(a.geom, ST_Buffer(b.geom, 0.001));

-- Markers: evenly spaced along the boundary, pulled ~110 m inside the province.
CREATE TABLE stage.marker AS
SELECT 'QN-' || lpad(i::text, 2, '0') AS marker_number, 'main' AS marker_type, 'LA' AS country, 1 AS area, (i - 0.5) / 60.0 AS f
FROM generate_series(1, 60) i
UNION ALL
SELECT 'QN-C' || i, 'stake', 'LA', 1, (i * 8 + 3.25) / 60.0 FROM generate_series(1, 7) i
UNION ALL
SELECT 'KG-' || lpad(i::text, 2, '0'), 'main', 'KH', 2, (i - 0.5) / 8.0 FROM generate_series(1, 8) i;

INSERT INTO border_markers (id, marker_number, marker_type, neighbour_country, border_area_id, admin_code, geom, source_id, is_sample)
OVERRIDING SYSTEM VALUE
SELECT row_number() OVER (ORDER BY m.country DESC, m.marker_type, m.marker_number), m.marker_number, m.marker_type, m.country, m.area,
       stage.lowest_unit(q.pt), q.pt, 'sample-border', true
FROM stage.marker m
JOIN stage.border_main b ON b.country = m.country
JOIN stage.oldprov p ON p.code = b.province
CROSS JOIN LATERAL (SELECT ST_ReducePrecision(ST_ClosestPoint(ST_Buffer(p.geom, -0.001),
                           ST_LineInterpolatePoint(b.geom, m.f)), 0.00001) AS pt) q;
