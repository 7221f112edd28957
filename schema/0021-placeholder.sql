-- 0021: a placeholder on this branch only. Migrations 0020 and 0021 belong to
-- other branches; when they meet, this file goes and theirs take its place.
SELECT 1;
