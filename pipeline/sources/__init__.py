"""Price sources. Each returns a validated price frame (see ``pipeline.prices``)."""
