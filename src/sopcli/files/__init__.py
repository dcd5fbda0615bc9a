"""The files people have: CSV dialects, TSV, JSON and XLSX, read and written."""
