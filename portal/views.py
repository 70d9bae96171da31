"""The top floor's pages: each role's home (/) and the compound's public page behind its QR code (/q/<token>/).

Homes read through portal.selectors (the lower apps' selectors, scoped by accounts.policy). The public page is
keyed by the compound's unguessable public token (residents have no account: the token *is* the scope)."""

from __future__ import annotations

import hashlib
import json
import re

import pghistory
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.policy import access
from accounts.roles import Role
from accounts.tenancy import tenant_context
from compounds.importing import ImportFileError, read_file
from compounds.models import Community, Compound, Street
from portal import selectors
from portal.districts import district_open
from portal.forms import OpenDistrictForm

HANDLERS = (Role.FIRM_STAFF, Role.DEPARTMENT_STAFF, Role.COMMUNITY_CADRE)


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own work: handlers on 我的工单, street staff on their cockpit, district officials
    on the street ranking, grid workers on their grid; the platform administrator on the admin."""
    user = request.user
    if user.is_platform_admin or user.district_id is None:
        return redirect("admin:index")
    now = timezone.now()
    if user.role == Role.STREET_STAFF and user.street_id:
        context = selectors.street_cockpit(actor=user, now=now)
        return render(request, "portal/home_street.html", {**context, "street": user.street})
    if user.role == Role.DISTRICT_OFFICIAL:
        context = selectors.district_home(actor=user, now=now)
        return render(request, "portal/home_district.html", {**context, "district": user.district})
    if user.role == Role.GRID_WORKER:
        return render(request, "portal/home_grid.html", selectors.grid_home(actor=user, now=now))
    if user.role in HANDLERS:
        return redirect("workorders:mine")
    return redirect("district-dashboard")


def _public_headers(response: HttpResponse) -> HttpResponse:
    """As the other public pages keyed by a secret: not cached by proxies, not indexed, no Referer elsewhere."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_safe
def compound_public(request: HttpRequest, public_token: str) -> HttpResponse:
    """The compound's public page, where its QR code leads: who serves it, its firm and list, this month's
    orders, and the two buttons — report a problem (码上反馈) and, while a quarter is open, the owners' survey."""
    compound = get_object_or_404(
        Compound.objects.select_related("community__street", "property_firm"), public_token=public_token
    )
    context = {"compound": compound, **selectors.compound_public(compound=compound, now=timezone.now())}
    return _public_headers(render(request, "portal/compound_public.html", context))


MAX_ORG_FILE_BYTES = 10 * 1024 * 1024


@require_http_methods(["GET", "POST"])
@login_required
def open_district(request: HttpRequest) -> HttpResponse:
    """开通新区: the platform administrator opens a district in one action (portal.districts.district_open).
    Everyone else gets the 403 page."""
    if not request.user.is_platform_admin:
        raise PermissionDenied(gettext("只有平台管理员可以开通新的区。"))
    form = OpenDistrictForm(request.POST or None, request.FILES or None)
    opened = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            sheets = None
            upload = form.cleaned_data["file"]
            try:
                if upload is not None:
                    if upload.size > MAX_ORG_FILE_BYTES:
                        raise ValidationError({"file": gettext("文件不能超过 10 MB。")})
                    sheets = read_file(upload, name=upload.name)
                with tenant_context(request.user), pghistory.context(user=request.user.pk, page="open_district"):
                    opened = district_open(actor=request.user, code=form.cleaned_data["code"], sheets=sheets)
            except ImportFileError as error:
                form.add_error("file", str(error))
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, messages)
            else:
                status = 201
                form = OpenDistrictForm()
    return render(request, "portal/open_district.html", {"form": form, "opened": opened}, status=status)


@require_safe
@login_required
def compound_map(request: HttpRequest) -> HttpResponse:
    """地图: the compounds the user sees, as points coloured by open orders, overdue orders or the firm's
    published list; a street or community narrows it. Works offline: Leaflet from our static files, no
    background tiles unless settings.CAPILLARY_MAP_TILE_URL names a tile server."""
    user = request.user
    if user.district_id is None:
        return redirect("admin:index")
    streets = Street.objects.visible_to(user).order_by("code")
    communities = Community.objects.visible_to(user).order_by("code")
    street_id = _int(request.GET.get("street"))
    community_id = _int(request.GET.get("community"))
    street = community = None
    if street_id is not None:
        street = access(user, streets, pk=street_id)  # another district's (or street's) street: 404
        communities = communities.filter(street_id=street_id)
    if community_id is not None:
        community = access(user, Community, pk=community_id)
    colour = request.GET.get("colour") if request.GET.get("colour") in selectors.MAP_COLOURINGS else "open"
    points = selectors.map_points(actor=user, now=timezone.now(), street_id=street_id, community_id=community_id)
    context = {
        "points": points,
        "colour": colour,
        "colourings": selectors.MAP_COLOURINGS,
        "streets": streets,
        "communities": communities,
        "street_id": street_id,
        "community_id": community_id,
        "place": community or street,
        "tile_url": getattr(settings, "CAPILLARY_MAP_TILE_URL", ""),
        "tile_attribution": getattr(settings, "CAPILLARY_MAP_TILE_ATTRIBUTION", ""),
    }
    return render(request, "portal/map.html", context)


def _int(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404("未找到该对象")
    return int(value)


@require_safe
def pwa_manifest(request: HttpRequest) -> JsonResponse:
    """The grid worker's app, installable: its web manifest (named in the user's language, Chinese first; the
    home page as its start)."""
    language = translation.get_language()
    manifest = {
        "name": gettext("末梢 · 网格员"),
        "short_name": gettext("末梢网格"),
        "lang": "zh-CN" if language == "zh-hans" else language,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f3f5f8",
        "theme_color": "#12355b",
        "icons": [{"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
        "shortcuts": [{"name": gettext("上报问题"), "url": reverse("intake:grid")}],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


_STATIC_PATH = re.compile(r'"/static/([^"]+)"')
_CACHE_NAME = re.compile(r'const CACHE = "([^"]+)"')


def _static_url(name: str) -> str:
    try:
        return static(name)
    except ValueError:  # not in the manifest (collectstatic not run): the plain name, as the pages would fail too
        return f"{settings.STATIC_URL}{name}"


def _shell_urls(script: str) -> str:
    """The worker's shell names its static files as the pages ask for them: with production's manifest storage
    the hashed names (a plain /static/css/capillary.css is never requested there, so an offline app would open
    without its style and scripts). The cache's name carries a digest of those URLs: a deployment that changes
    a file renames the cache, and phones drop the old copies."""
    script = _STATIC_PATH.sub(lambda match: json.dumps(_static_url(match.group(1))), script)
    digest = hashlib.sha256(script.encode()).hexdigest()[:12]
    return _CACHE_NAME.sub(lambda match: f'const CACHE = "{match.group(1)}-{digest}"', script, count=1)


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/portal/sw.js served at /sw.js, so that its scope is the whole site (a worker's scope is its own
    folder otherwise). Never cached by the browser's HTTP cache: a new version reaches phones on next visit."""
    path = finders.find("portal/sw.js")
    with open(path, encoding="utf-8") as handle:
        script = _shell_urls(handle.read())
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response
