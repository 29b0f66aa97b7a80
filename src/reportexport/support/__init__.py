"""Small shared services.

Reproducible zips, the build's one timestamp, dates, where the package's data is.
"""
