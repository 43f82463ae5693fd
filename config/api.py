"""The HTTP API under /api/v1/ (django-ninja, ADR 0003). Routers live in each app's api.py."""

from config.api_docs import GonghuiSwagger, docs_access
from gonghui.accounts.api import AUTH
from gonghui.accounts.api import router as accounts_router
from gonghui.assistance.api import router as assistance_router
from gonghui.competitions.api import router as competitions_router
from gonghui.core.api import Api, UnicodeJSONRenderer, install_error_handlers
from gonghui.honours.api import router as honours_router
from gonghui.innovation.api import router as innovation_router
from gonghui.members.api import router as members_router
from gonghui.members.api.exports import router as exports_router
from gonghui.members.api.imports import router as imports_router
from gonghui.members.api.me import router as me_router
from gonghui.members.api.signin import auth_router as signin_router
from gonghui.members.api.signin import me_router as signin_me_router
from gonghui.news.api import router as news_router
from gonghui.notifications.api import router as notifications_router
from gonghui.organisations.api import audit_router
from gonghui.organisations.api import router as organisations_router
from gonghui.rights.api import router as rights_router
from gonghui.stations.api import router as stations_router
from gonghui.talent.api import router as talent_router

api = Api(
    title="Gonghui API",
    version="1",
    description="Smart trade-union platform. Errors are {detail, code}; lists are {items, count}.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    docs=GonghuiSwagger(),
    docs_decorator=docs_access,
    renderer=UnicodeJSONRenderer(),
)
install_error_handlers(api)
api.add_router("/auth", accounts_router)
# Phone sign-in needs the member records (a layer above accounts): its own router, same prefix.
api.add_router("/auth", signin_router)
# /me and /me/notifications (the caller's own); /me/requests is in the rights router
api.add_router("/", me_router)
api.add_router("/me", signin_me_router)
api.add_router("/", notifications_router)
api.add_router("/organisations", organisations_router)
api.add_router("/audit", audit_router)
# Before the members router, whose members/{member_id} would otherwise take "imports".
api.add_router("/members/imports", imports_router)
api.add_router("/members/exports", exports_router)
api.add_router("/competitions", competitions_router)
api.add_router("/honours", honours_router)
api.add_router("/talent", talent_router)
api.add_router("/assistance", assistance_router)
api.add_router("/stations", stations_router)
api.add_router("/news", news_router)
# /requests, /wage-arrears, /legal-aid, /practical-needs
api.add_router("/", rights_router)
# /ideas, /studios, /alliances
api.add_router("/", innovation_router)
api.add_router("/", members_router)
