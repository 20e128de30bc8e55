"""prefect.yaml as written: the daily deployment's entrypoint and schedule."""

from __future__ import annotations

import yaml

from tests.fakes.common import PROJECT_ROOT


def test_deployment_schedule_is_after_the_hong_kong_close():
    spec = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    daily = next(d for d in spec["deployments"] if d["name"] == "daily-refresh")
    assert daily["entrypoint"] == "flows/daily_refresh.py:daily_refresh"
    assert daily["schedules"] == [{"cron": "30 17 * * 1-5", "timezone": "Asia/Hong_Kong",
                                   "active": True}]
