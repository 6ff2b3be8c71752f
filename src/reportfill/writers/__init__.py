"""Writers, the other side of the flow: the DOCX template built from the format
(``template_builder``), a report rendered into it (``render``), deterministic DOCX
packages (``docx_package``) and new TOML inputs (``scaffold``)."""
