"""Check-in and check-out at activities, certified hours and the photo report
(docs/modules/activities.md, "Check-in, hours and the photo report")."""
