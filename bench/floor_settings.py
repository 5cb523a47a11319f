"""Bench-only settings: Linli's, with the URLconf that adds the floor endpoints."""

from linli.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
