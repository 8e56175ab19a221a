-- Every login purges up to 100 expired sessions, whoever they belong to (db/utilisateurs_repo.cpp,
-- sessions_open): this index finds them without scanning the table.
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
