-- Communes, wards and special zones in force from 2025-07-01: names only, written by communes-2025.mjs
-- (from npm vn-provinces-wards 1.0.2) straight into reference/admin-communes-2025.json; only their source is
-- registered here, so sources.json lists it.
\set ON_ERROR_STOP on

INSERT INTO data_sources (id, title, licence, url, accuracy, is_sample) VALUES
 ('vn-provinces-wards-2025', 'Vietnam''s 3,321 communes, wards and special zones in force from 2025-07-01 (names only), via npm vn-provinces-wards 1.0.2',
  'MIT (package vn-provinces-wards 1.0.2, Khuong Viet Tai)', 'https://www.npmjs.com/package/vn-provinces-wards',
  'Names and province membership only; no boundaries (geom NULL until a boundary is imported). Codes are ResourceMap''s own (<province>-<NNN>), not GSO codes; data/reference/admin-communes-2025-codes.json maps them to the package''s codes.', false);
