from gonghui.members import urls_officer, urls_public

app_name = "members"
urlpatterns = urls_officer.urlpatterns + urls_public.urlpatterns
