"""referrals: models (tenant schema)."""
