"""(being written)"""

from aslp_site.core.routes import Rule

ROUTES: dict[str, Rule] = {}
