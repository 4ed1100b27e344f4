-- Features by bbox at national scale (issue 10): building a page of 1,000 GeoJSON features from their columns cost
-- more than finding them (jsonb_build_object over 19 columns, then printing it). Each point layer's table keeps its
-- rows' Feature text, written by a BEFORE INSERT OR UPDATE trigger. The trigger's function is generated from the
-- layer's definition in LayerCatalog (Layers/StoredFeatures.cs) when the API migrates, which also refills this column
-- whenever that definition changes; readers fall back to building the text when it is missing.
ALTER TABLE teams ADD COLUMN feature_text text;
ALTER TABLE red_sites ADD COLUMN feature_text text;
ALTER TABLE hardship_villages ADD COLUMN feature_text text;
ALTER TABLE border_markers ADD COLUMN feature_text text;
ALTER TABLE needs ADD COLUMN feature_text text;
