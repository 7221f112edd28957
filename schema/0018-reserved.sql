-- 0018: reserved for a change made on another branch at the same time;
-- replaced by it when the branches are merged. Does nothing.
SELECT 1;
