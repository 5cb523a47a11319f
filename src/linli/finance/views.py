from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def mine(request):  # placeholder, replaced by the app's real page
    return HttpResponse("finance:mine")


@login_required
def desk(request):  # placeholder, replaced by the app's real page
    return HttpResponse("finance:desk")


@login_required
def arrears(request):  # placeholder, replaced by the app's real page
    return HttpResponse("finance:arrears")
