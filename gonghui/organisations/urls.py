from django.urls import path

from gonghui.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.tree, name="tree"),
    # Before <code>/: "pick" is no union's code (codes are capitals and digits).
    path("pick", views.pick, name="pick"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.children, name="children"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/new-child/", views.new_child, name="new_child"),
    path("<str:code>/move/", views.move, name="move"),
    path("<str:code>/roles/", views.role_assign, name="role_assign"),
    path("<str:code>/roles/<uuid:assignment_id>/revoke/", views.role_revoke, name="role_revoke"),
]
