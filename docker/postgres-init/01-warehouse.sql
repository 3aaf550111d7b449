-- The orders-import workflow loads into this database; the service's own tables live in 'scheduler'.
CREATE DATABASE warehouse OWNER scheduler;
