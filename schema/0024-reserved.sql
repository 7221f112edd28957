-- 0024: a number held for a change made alongside 0025 on another branch;
-- this file changes nothing and goes away when the branches are merged and
-- the migrations renumbered.
SELECT 1;
