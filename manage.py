#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # A .env file beside manage.py may name the settings (production on a server); the
    # environment wins over it, and development settings are the fallback.
    import environ

    environ.Env.read_env(Path(__file__).resolve().parent / ".env", overwrite=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aslp_site.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
