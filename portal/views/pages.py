from django.http import HttpRequest
from django.template.response import TemplateResponse


def home(request: HttpRequest) -> TemplateResponse:
    """Public home page: what the portal does and where to start."""
    return TemplateResponse(request, "portal/home.html")
