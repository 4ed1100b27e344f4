-- Sources are shown beside every record: a Vietnamese title lets the Vietnamese UI name them without English
-- (the English title stays; /api/vocabularies serves both).
ALTER TABLE data_sources ADD COLUMN IF NOT EXISTS title_vi text;
UPDATE data_sources SET title_vi = 'Nhập bởi cán bộ điều phối và đội trưởng trên ResourceMap' WHERE id = 'resourcemap-app' AND title_vi IS NULL;
