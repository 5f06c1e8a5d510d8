"""Forms for cases and their dated records. Validation comes from the models (one set of rules)."""
