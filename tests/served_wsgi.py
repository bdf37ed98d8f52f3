"""WSGI entry point for tests/served.py: the testing app, with overrides from the environment."""
import json
import os

from app import create_app

app = create_app("testing", overrides=json.loads(os.environ["BIRGE_TEST_APP_CONFIG"]))
