-- Cached tiles are now stored gzip-compressed (LayerTiles.TileBytes) and sent as stored to clients that accept gzip, instead
-- of being compressed again on every request. The cache is emptied once so that every tile it holds is compressed; it
-- refills as tiles are asked for (a tile stored raw would still be served correctly, only compressed per request).
-- The table's TOAST compression of a gzip stream saves nothing and costs a failed attempt per write.
TRUNCATE tile_cache;
ALTER TABLE tile_cache ALTER COLUMN mvt SET STORAGE EXTERNAL;
