"""Property-based requests from the OpenAPI schema: no input makes the server fail (5xx).

Every operation is called with an analyst token (analysts may do everything), so the protected
endpoints are exercised past authentication. Bounded: a few examples per operation.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.service.conftest import ANALYST, app_for, make_settings, seed_catalog, running

# The schema is read when the module is collected, so the app (not yet started) is built here;
# its database lives in a private temporary folder removed after the module.
_TMP = Path(tempfile.mkdtemp(prefix="tsunagu-schemathesis-"))
_SETTINGS = make_settings(_TMP, rate_limit_per_minute=0, max_upload_bytes=64 * 1024)
APP = app_for(_SETTINGS)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def running_app():
    seed_catalog(_SETTINGS)
    try:
        with running(APP):  # runs the lifespan: catalog loaded, match-log writer started
            yield
    finally:
        shutil.rmtree(_TMP, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_input_causes_a_server_error(case):
    case.call_and_validate(headers=ANALYST, checks=[not_a_server_error])
