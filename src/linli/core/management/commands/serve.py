"""``linli serve [--port N] [--host H]``: serve Linli for the embedded setup.

A thin wrapper over ``runserver`` without the auto-reloader; static files are served by
WhiteNoise (``WHITENOISE_USE_FINDERS``), so no ``collectstatic`` is needed.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动邻里（默认 http://127.0.0.1:8000/）"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="端口（默认8000）")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认127.0.0.1）")

    def handle(self, *args, port: int, host: str, **options):
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"邻里已启动：http://{shown}:{port}/ （按 Ctrl+C 停止）")
        address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        call_command("runserver", address, use_reloader=False)
