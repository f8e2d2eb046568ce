"""Streamlit pieces of the app (sidebar, passages panel, views); ``threatmap/`` never imports these."""
