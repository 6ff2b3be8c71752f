"""The official layouts as data (``formats.py``) and the vocabulary they are written in
(``spec.py``): the one source of truth every stage reads."""
