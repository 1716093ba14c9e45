CREATE INDEX t_a ON t (a);
