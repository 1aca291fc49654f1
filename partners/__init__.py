"""Franchise partners' periodic reports to their validating university, and the university's
assurance page, training records and comments."""
