-- Validation of the loaded data files. Every figure named *violations must be 0.
\pset footer off
WITH pts AS (
  SELECT 'teams' AS t, id, admin_code, geom FROM teams
  UNION ALL SELECT 'red_sites', id, admin_code, geom FROM red_sites
  UNION ALL SELECT 'hardship_villages', id, admin_code, geom FROM hardship_villages
  UNION ALL SELECT 'border_markers', id, admin_code, geom FROM border_markers
  UNION ALL SELECT 'needs', id, admin_code, geom FROM needs
  UNION ALL SELECT 'activities', id, admin_code, geom FROM activities
)
SELECT t AS layer, count(*) AS points,
       count(*) FILTER (WHERE admin_code IS NULL
                          OR NOT EXISTS (SELECT 1 FROM admin_units a WHERE a.code = p.admin_code)
                          OR EXISTS (SELECT 1 FROM admin_units a WHERE a.code = p.admin_code AND NOT ST_Intersects(a.geom, p.geom))) AS outside_unit_violations
FROM pts p GROUP BY t ORDER BY t;

SELECT 'needs at their village' AS check, count(*) FILTER (WHERE n.village_id IS NOT NULL AND NOT ST_Equals(n.geom, v.geom)) AS violations
FROM needs n LEFT JOIN hardship_villages v ON v.id = n.village_id
UNION ALL SELECT 'border markers inside their belt', count(*) FROM border_markers m JOIN border_areas b ON b.id = m.border_area_id WHERE NOT ST_Intersects(b.geom, m.geom)
UNION ALL SELECT 'sample districts/communes inside parent', count(*) FROM admin_units c JOIN admin_units p ON p.code = c.parent_code AND p.valid_from <= c.valid_from AND (p.valid_to IS NULL OR p.valid_to >= c.valid_to)
   WHERE c.level IN ('district', 'commune') AND NOT ST_Within(ST_PointOnSurface(c.geom), p.geom)
UNION ALL SELECT 'invalid geometries', (SELECT count(*) FROM admin_units WHERE NOT ST_IsValid(geom)) + (SELECT count(*) FROM border_areas WHERE NOT ST_IsValid(geom))
UNION ALL SELECT 'rows whose source is_sample differs from row is_sample',
   (SELECT count(*) FROM (SELECT source_id, is_sample FROM admin_units UNION ALL SELECT source_id, is_sample FROM teams
      UNION ALL SELECT source_id, is_sample FROM red_sites UNION ALL SELECT source_id, is_sample FROM hardship_villages
      UNION ALL SELECT source_id, is_sample FROM border_areas UNION ALL SELECT source_id, is_sample FROM border_markers
      UNION ALL SELECT source_id, is_sample FROM needs UNION ALL SELECT source_id, is_sample FROM activities) r
    JOIN data_sources s ON s.id = r.source_id WHERE s.is_sample <> r.is_sample)
UNION ALL SELECT 'team capacity > members or skills outside vocabulary', count(*) FROM teams t
   WHERE t.capacity > t.members OR EXISTS (SELECT 1 FROM unnest(t.skills) s WHERE s NOT IN (SELECT code FROM skills))
UNION ALL SELECT 'need skills outside vocabulary', count(*) FROM needs n WHERE EXISTS (SELECT 1 FROM unnest(n.required_skills) s WHERE s NOT IN (SELECT code FROM skills))
UNION ALL SELECT 'provinces in force today <> 34', abs(34 - (SELECT count(*) FROM admin_units WHERE level = 'province' AND valid_from <= CURRENT_DATE AND (valid_to IS NULL OR valid_to > CURRENT_DATE)))
UNION ALL SELECT 'provinces 2008-2025 <> 63', abs(63 - (SELECT count(*) FROM admin_units WHERE level = 'province' AND valid_to = DATE '2025-07-01'))
UNION ALL SELECT 'communes from 2025-07-01 <> 3321', abs(3321 - (SELECT count(*) FROM admin_units WHERE level = 'commune' AND valid_from = DATE '2025-07-01' AND valid_to IS NULL))
UNION ALL SELECT 'communes from 2025-07-01 whose parent is no province in force then', (SELECT count(*) FROM admin_units c
   WHERE c.level = 'commune' AND c.valid_from = DATE '2025-07-01'
     AND NOT EXISTS (SELECT 1 FROM admin_units p WHERE p.level = 'province' AND p.code = c.parent_code AND p.valid_from <= c.valid_from AND p.valid_to IS NULL))
UNION ALL SELECT 'admin unit codes used twice at one time', (SELECT count(*) FROM admin_units a JOIN admin_units b ON a.code = b.code AND a.id < b.id
   AND daterange(a.valid_from, a.valid_to) && daterange(b.valid_from, b.valid_to))
UNION ALL SELECT 'units without a polygon that are not 2025 communes', (SELECT count(*) FROM admin_units WHERE geom IS NULL AND source_id <> 'vn-provinces-wards-2025');

SELECT 'admin_units' AS tbl, level AS kind, count(*) FROM admin_units GROUP BY level
UNION ALL SELECT 'teams', status, count(*) FROM teams GROUP BY status
UNION ALL SELECT 'team_availability', '', count(*) FROM team_availability
UNION ALL SELECT 'red_sites', rank, count(*) FROM red_sites GROUP BY rank
UNION ALL SELECT 'hardship_villages', '', count(*) FROM hardship_villages
UNION ALL SELECT 'border_areas', kind, count(*) FROM border_areas GROUP BY kind
UNION ALL SELECT 'border_markers', marker_type || ' ' || neighbour_country, count(*) FROM border_markers GROUP BY 2
UNION ALL SELECT 'needs', status, count(*) FROM needs GROUP BY status
UNION ALL SELECT 'activities', '', count(*) FROM activities
ORDER BY 1, 2;
