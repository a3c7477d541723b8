"""The Streamlit user interface: pages, widgets and UI strings. No SQL, no geometry math."""
