-- 0024: reserved for another branch's migration (analysts' review), which
-- takes this number when the branches are merged. Nothing to do here.
SELECT 1;
