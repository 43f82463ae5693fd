from gonghui.members import urls_io, urls_officer, urls_public

app_name = "members"
urlpatterns = urls_io.urlpatterns + urls_officer.urlpatterns + urls_public.urlpatterns
