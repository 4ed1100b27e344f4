-- Features by bbox page through ids in the box without touching the table (issue 10): a covering GiST index
-- holds each point's geometry and id, so `geom && box` (exact for points, rechecked on the included geometry)
-- and `ORDER BY id LIMIT n` run as an index-only scan; JSON is then built for the page's rows only.
CREATE INDEX teams_geom_cover_gix ON teams USING gist (geom) INCLUDE (id, geom);
CREATE INDEX red_sites_geom_cover_gix ON red_sites USING gist (geom) INCLUDE (id, geom);
CREATE INDEX hardship_villages_geom_cover_gix ON hardship_villages USING gist (geom) INCLUDE (id, geom);
CREATE INDEX border_markers_geom_cover_gix ON border_markers USING gist (geom) INCLUDE (id, geom);
CREATE INDEX needs_geom_cover_gix ON needs USING gist (geom) INCLUDE (id, geom);
CREATE INDEX activities_geom_cover_gix ON activities USING gist (geom) INCLUDE (id, geom);
-- The plain indexes they replace.
DROP INDEX teams_geom_gix;
DROP INDEX red_sites_geom_gix;
DROP INDEX hardship_villages_geom_gix;
DROP INDEX border_markers_geom_gix;
DROP INDEX needs_geom_gix;
DROP INDEX activities_geom_gix;
