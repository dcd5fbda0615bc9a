"""Use cases: each opens what it needs, calls the engine and the store, returns plain data."""
