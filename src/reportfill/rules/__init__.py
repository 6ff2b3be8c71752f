"""The rules, each kept once: the catalogue of their ids, severities and titles
(``catalogue.py``), and the code that applies them -- to table values (``tables.py``), to
a document's structure (``structure.py``), to its prose (``prose.py``) and to its prose
against last year's (``duplication.py``). A TOML input,
a reopened DOCX, an HTML page, a PDF and the web form are all judged by these functions."""
