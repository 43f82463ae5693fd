"""The dues calculator for everyone (the rule is public: 0.5 % of the monthly wage, the part
under 10 yuan not counted). The computation is the members app's own
(``members.services.dues.calculate``), so the page and the officers' preview never differ."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.web import form_action
from gonghui.members.forms import DuesPreviewForm
from gonghui.members.services import dues as dues_services


@require_GET
def dues_calculator(request):
    form = DuesPreviewForm(request.GET)
    wage = (request.GET.get("monthly_wage") or "").strip()
    context = {"wage": wage, "form": form}
    if wage:
        outcome = form_action(request, lambda data: dues_services.calculate(data["monthly_wage"]), form=form)
        if outcome.ok:
            context["base"], context["amount"] = outcome.result
            context["done"] = True
        else:
            context["error"] = " ".join(message for errors in form.errors.values() for message in errors)
    return render(request, "portal/dues.html", context)
