"""The vocabulary a format speaks to the parts it plugs into: lint (the Emitter it reports through and
name cases), changelog (Change records and their Markdown markup) and sidecars (schema shapes).

It lives here, below lint/, changelog/ and sidecar/, so that formats/ imports nothing above it; those
parts import these types from here. Nothing in this package imports beyond the bottom layer.
"""
