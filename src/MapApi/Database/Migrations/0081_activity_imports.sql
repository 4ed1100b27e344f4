-- Activities join the bulk import (issue 9): the lists units kept in Excel before the portal. Re-importing by
-- external id updates instead of duplicating; an activity placed at the centre of a named unit says so.
-- (activities_public was created with SELECT * and keeps its columns; these two stay out of the public view.)
ALTER TABLE activities ADD COLUMN external_id text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 100),
                       ADD COLUMN location_approximate boolean NOT NULL DEFAULT false;
