-- Exact and prefix name matches (search tiers 0 and 1) found through an index, in key order. The trigram sources
-- stop at 1,000 candidates in no order, so among a million teams whose names hold "tinh nguyen" the team called
-- "Tình nguyện" could be left out. A btree in byte order (COLLATE "C"; the keys hold a–z, 0–9 and spaces) on each
-- layer's name key and name core walks `q <= key < q || '{'` in order: the exact match first, then the shortest.
CREATE INDEX teams_name_key_ix ON teams (rm_search_key(name) COLLATE "C");
CREATE INDEX teams_name_core_ix ON teams (rm_name_core(name) COLLATE "C");
CREATE INDEX red_sites_name_key_ix ON red_sites (rm_search_key(name) COLLATE "C");
CREATE INDEX red_sites_name_core_ix ON red_sites (rm_name_core(name) COLLATE "C");
CREATE INDEX hardship_villages_name_key_ix ON hardship_villages (rm_search_key(name) COLLATE "C");
CREATE INDEX hardship_villages_name_core_ix ON hardship_villages (rm_name_core(name) COLLATE "C");
CREATE INDEX border_areas_name_key_ix ON border_areas (rm_search_key(name) COLLATE "C");
CREATE INDEX border_areas_name_core_ix ON border_areas (rm_name_core(name) COLLATE "C");
CREATE INDEX border_markers_name_key_ix ON border_markers (rm_search_key('Mốc ' || marker_number) COLLATE "C");
CREATE INDEX border_markers_name_core_ix ON border_markers (rm_name_core('Mốc ' || marker_number) COLLATE "C");
CREATE INDEX needs_name_key_ix ON needs (rm_search_key(title) COLLATE "C");
CREATE INDEX needs_name_core_ix ON needs (rm_name_core(title) COLLATE "C");
CREATE INDEX activities_name_key_ix ON activities (rm_search_key(name) COLLATE "C");
CREATE INDEX activities_name_core_ix ON activities (rm_name_core(name) COLLATE "C");
