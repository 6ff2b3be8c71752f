"""The rules, each kept once: the catalogue of their ids, severities and titles
(``catalogue.py``), and the code that applies them -- to table values (``tables.py``), to
a document's structure (``structure.py``), to its prose (``prose.py``), to its sizes
(``sizes.py``), to its prose against last year's (``duplication.py``), and to an area's
report against its parts' (``aggregate.py``); ``content.py`` applies those on what a
report says beyond its tables' equations to a report as content. A TOML input,
a reopened DOCX, an HTML page, a PDF and the web form are all judged by these functions."""
