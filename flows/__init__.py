"""Prefect flows: thin wrappers over ``pipeline.jobs``. Only this package imports Prefect."""
