"""The yardstick: a view that only inserts one row (the same middleware stack as every page of the product)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from benchmarks.models import BenchRow


@csrf_exempt
@require_POST
def insert(request: HttpRequest) -> HttpResponse:
    BenchRow.objects.create(payload=request.POST.get("payload", "")[:200])
    return HttpResponse("ok", status=201, content_type="text/plain")
