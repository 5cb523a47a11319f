from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def index(request):  # placeholder, replaced by the app's real page
    return HttpResponse("commons:index")
