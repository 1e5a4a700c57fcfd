"""Statistics and analytics paths -> handlers."""
from . import handlers

ROUTES = [
    ("GET", r"/campaigns/(\d+)/statistics", handlers.statistics),
    ("GET", r"/campaigns/(\d+)/analytics", handlers.analytics),
    ("GET", r"/campaigns/(\d+)/analytics-by-date", handlers.analytics_by_date),
    ("GET", r"/campaigns/(\d+)/top-level-analytics-by-date",
     handlers.top_level_analytics_by_date),
    ("GET", r"/campaigns/(\d+)/sequence-analytics", handlers.sequence_analytics),
    ("GET", r"/campaigns/(\d+)/mailbox-statistics", handlers.mailbox_statistics),
    ("GET", r"/campaigns/(\d+)/leads-statistics", handlers.leads_statistics),
    ("GET", r"/analytics/overall-stats-v2", handlers.overall_stats),
    ("GET", r"/analytics/campaign/overall-stats", handlers.campaign_overall_stats),
    ("GET", r"/analytics/day-wise-overall-stats", handlers.day_wise_overall_stats),
    ("GET", r"/analytics/campaign/list", handlers.campaign_list),
    ("GET", r"/analytics/lead/category-wise-response", handlers.category_wise_response),
    ("GET", r"/analytics/mailbox/name-wise-health-metrics", handlers.name_wise_health_metrics),
]
