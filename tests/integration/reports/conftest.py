"""The demo region, loaded once per module and rolled back afterwards."""

import pytest
from django.db import transaction

from bettercare.web.demo_load import load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)
