"""``reportfill serve``: a local web form for staff who do not edit TOML.

The official tables on screen, generated from the format definition; findings and
totals from the same rule functions as ``fill`` as the clerk types; 保存 into the same
TOML, comments kept; 生成报告 through ``fill`` itself. :mod:`.app` holds the handlers,
:mod:`.form` the form as data, :mod:`.folder` the files it may touch, :mod:`.guard`
what every request passes, :mod:`.server` the process.
"""
