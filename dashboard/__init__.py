"""Sourcelight's Streamlit app: layout only; everything it shows comes from ``components``.

``app.py`` declares the pages, ``server.py`` serves them (what ``make app`` runs), ``views/`` holds
one file per page, and the other modules are what several pages share: cached resources
(``state``), sign-in (``auth``), widgets and panels. Modules here may import Streamlit and
``components``; ``components`` never imports ``dashboard``.
"""
