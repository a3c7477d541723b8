"""Pure geography for the campaign map: text folding, provinces, coordinates.

Nothing in this package imports Streamlit or touches the database.
"""
