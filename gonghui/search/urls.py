from django.urls import path

from gonghui.search import views

urlpatterns = [path("search/", views.search, name="search")]
