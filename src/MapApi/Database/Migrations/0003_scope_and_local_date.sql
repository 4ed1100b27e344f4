-- "Today" is Vietnam's calendar day, not the server's or UTC's: between 00:00 and 07:00 in Vietnam
-- UTC is still on yesterday (on 1 July 2025 that meant the provinces before the merger).
CREATE OR REPLACE FUNCTION rm_today() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date $$;

-- The version of an admin unit code to use on a date: the one in force then, else the latest.
-- Codes were reused in 2025 (e.g. 15: Yên Bái, then the merged Lào Cai), so a code alone is not a place.
CREATE OR REPLACE FUNCTION rm_admin_unit_version(unit_code text, on_date date) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT id FROM admin_units
    WHERE code = unit_code
    ORDER BY (valid_from <= on_date AND (valid_to IS NULL OR valid_to > on_date)) DESC, valid_from DESC
    LIMIT 1
$$;
