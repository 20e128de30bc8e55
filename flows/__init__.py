"""Prefect flows: thin wrappers over ``hkpipe.jobs``. Only this package imports Prefect."""
