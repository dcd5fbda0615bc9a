"""Persistence: SQLModel tables, opening the database, queries. Alembic owns the schema."""
