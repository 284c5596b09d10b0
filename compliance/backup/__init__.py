"""Backups: `compliance backup DIR` and `compliance restore DIR`.

The database first (pg_dump of one snapshot for PostgreSQL, SQLite's online backup for
SQLite), then the evidence files that this copy of the database refers to, then a
manifest of everything with its SHA-256. An upload stores its file before its row is
committed, so every row in the copy has its file on disk by the time the files are
copied: a backup taken while people upload restores with no row missing its file.
Restoring goes into an empty database and an empty evidence folder only, and ends with
checks: every evidence row has its file with the right hash, the row counts are the
manifest's, and the audit chain is whole.
"""
