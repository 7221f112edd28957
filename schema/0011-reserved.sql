-- 0011: reserved for a migration made on another branch at the same time
-- as 0012; when the branches meet, that migration replaces this file.
SELECT 1;
