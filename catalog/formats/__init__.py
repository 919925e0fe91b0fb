"""Catalog file formats: readers that turn bytes into a Table (CSV, xlsx) or resources (JSON), and
layouts that turn a Table into resources (our catalog columns, 自治体標準「子育て施設一覧」)."""
