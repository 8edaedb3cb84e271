"""URL configuration: the pages, the JSON API and the administration."""

from django.contrib import admin
from django.urls import include, path

from bettercare.web.accounts import audit
from bettercare.web.accounts import views as accounts
from bettercare.web.alerts import views as alerts
from bettercare.web.assurance import views as assurance
from bettercare.web.benchmarking import views as benchmarking
from bettercare.web.finance import plan_views as finance_plan
from bettercare.web.finance import views as finance
from bettercare.web.performance import commentary_views, rebase_views
from bettercare.web.performance import views as performance
from bettercare.web.programmes import (
    activity_views,
    description_views,
    pack_views,
    period_views,
    register_views,
    scheme_views,
)
from bettercare.web.programmes import views as programmes

handler403 = "bettercare.web.accounts.views.permission_denied"
handler404 = "bettercare.web.accounts.views.page_not_found"

area_pages = [
    path("", programmes.overview, name="area-overview"),
    path("dashboard/", programmes.dashboard, name="area-dashboard"),
    path("metrics/", performance.metric_list, name="area-metrics"),
    path(
        "metrics/actuals-template.csv",
        performance.actuals_template,
        name="actuals-template",
    ),
    path("metrics/<str:metric>/", performance.metric_detail, name="metric-detail"),
    path(
        "metrics/<str:metric>/commentary/",
        commentary_views.metric_commentary_edit,
        name="metric-commentary",
    ),
    path(
        "metrics/<str:metric>/rebases/",
        rebase_views.metric_rebase_edit,
        name="metric-rebases",
    ),
    path(
        "metrics/<str:metric>/benchmark/",
        benchmarking.metric_benchmark_page,
        name="metric-benchmark",
    ),
    path("benchmark/", benchmarking.area_benchmark_page, name="area-benchmark"),
    path("schemes/", scheme_views.scheme_list, name="area-schemes"),
    path("schemes/<int:pk>/", scheme_views.scheme_detail, name="scheme-detail"),
    path(
        "schemes/<int:pk>/description/",
        description_views.scheme_description,
        name="scheme-description",
    ),
    path(
        "schemes/<int:pk>/description/edit/",
        description_views.scheme_description_edit,
        name="scheme-description-edit",
    ),
    path("schemes/<int:pk>/return/<str:month>/", scheme_views.scheme_return, name="scheme-return"),
    path("milestones/", register_views.milestones, name="area-milestones"),
    path("milestones/<int:pk>/", register_views.milestone_edit, name="milestone-edit"),
    path("activities/", activity_views.activities, name="area-activities"),
    path("activities/<int:pk>/remove/", activity_views.activity_remove, name="activity-remove"),
    path("risks/", register_views.risks, name="area-risks"),
    path("risks/<int:pk>/", register_views.risk_edit, name="risk-edit"),
    path("finance/", finance.finance, name="area-finance"),
    path("finance/funding/<int:pk>/", finance.funding_edit, name="funding-edit"),
    path("finance/savings/<int:pk>/", finance.savings_edit, name="savings-edit"),
    path("plan/", finance_plan.plan, name="area-plan"),
    path(
        "plan/conditions/<int:pk>/",
        finance_plan.national_condition_edit,
        name="national-condition-edit",
    ),
    path(
        "plan/payments/<int:pk>/",
        finance_plan.performance_achieved_edit,
        name="performance-achieved-edit",
    ),
    path("periods/", period_views.periods, name="area-periods"),
    path("periods/<str:month>/<str:action>/", period_views.period_action, name="period-action"),
    path("history/<str:kind>/<int:pk>/", period_views.history, name="history"),
    path("board-pack/<str:kind>.<str:output>", pack_views.area_pack, name="board-pack"),
]

urlpatterns = [
    path("", programmes.home, name="home"),
    path("healthz", accounts.health, name="health"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
    path("accounts/two-factor/", accounts.two_factor_verify, name="two-factor"),
    path("accounts/two-factor/setup/", accounts.two_factor_setup, name="two-factor-setup"),
    path("audit/", audit.audit, name="audit"),
    path("areas/<str:code>/", include(area_pages)),
    path("regions/<str:code>/assurance/", assurance.matrix, name="assurance-matrix"),
    path(
        "regions/<str:code>/assurance/<str:area_code>/edit/",
        assurance.rating_edit,
        name="assurance-rating-edit",
    ),
    path(
        "regions/<str:code>/assurance/board-pack.<str:output>",
        pack_views.assurance_pack,
        name="assurance-pack",
    ),
    path("alerts/", alerts.notifications, name="notifications"),
    path("alerts/read/", alerts.notifications_read_all, name="notifications-read-all"),
    path("alerts/<int:pk>/read/", alerts.notification_read, name="notification-read"),
    path("alerts/subscriptions/", alerts.subscriptions, name="alert-subscriptions"),
    path(
        "alerts/subscriptions/<int:pk>/delete/",
        alerts.subscription_delete,
        name="alert-subscription-delete",
    ),
    path("api/", include("bettercare.web.api.urls")),
    path("risk/", include("bettercare.web.risk.urls")),
    path("admin/", admin.site.urls),
]
