"""Views to text: output formats, case cards, documents and HTML pages."""
