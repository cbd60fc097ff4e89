"""The privacy center's pages, one module per feature."""
