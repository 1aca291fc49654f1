"""welfare: models (tenant schema)."""
