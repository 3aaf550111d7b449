-- Merges the rows loaded into orders_staging into orders, then empties the staging table. RunSql runs the whole
-- script in one transaction: a failure keeps orders and orders_staging as they were. rowsAffected counts the rows
-- the MERGE inserted or changed; the last SELECT gives firstValue, the orders created since @since.
CREATE TABLE IF NOT EXISTS orders (LIKE orders_staging);

MERGE INTO orders AS o
USING (SELECT DISTINCT ON (id) * FROM orders_staging ORDER BY id) AS s
ON o.id = s.id
WHEN MATCHED AND (o.customer, o.email, o.amount, o.created_at, o.country, o.active, o.note)
    IS DISTINCT FROM (s.customer, s.email, s.amount, s.created_at, s.country, s.active, s.note) THEN
    UPDATE SET customer = s.customer, email = s.email, amount = s.amount, created_at = s.created_at,
               country = s.country, active = s.active, note = s.note
WHEN NOT MATCHED THEN
    INSERT (id, customer, email, amount, created_at, country, active, note)
    VALUES (s.id, s.customer, s.email, s.amount, s.created_at, s.country, s.active, s.note);

TRUNCATE orders_staging;

SELECT count(*) AS new_orders FROM orders WHERE created_at >= @since;
