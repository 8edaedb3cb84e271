from django.urls import path

from bettercare.web.risk import views

urlpatterns = [
    path("", views.risk_home, name="risk-home"),
    path("practice/", views.practice_report, name="risk-practice"),
    path("practice/patients.json", views.practice_patients_json, name="risk-practice-json"),
    path("practice/patients.<str:output>", views.practice_download, name="risk-practice-download"),
    path(
        "practice/patients/<str:pseudonym>/markers/",
        views.patient_status,
        name="risk-patient-status",
    ),
    path("areas/", views.area_summary, name="risk-areas"),
    path("practices/<str:code>/staff/", views.practice_staff, name="risk-practice-staff"),
    path("casemix/", views.casemix_report, name="risk-casemix"),
    path("model/", views.model_page, name="risk-model"),
]
