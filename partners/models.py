"""partners: models (tenant schema)."""
