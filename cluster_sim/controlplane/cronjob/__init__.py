"""The CronJob controller (``pkg/controller/cronjob``): schedule times and the sync."""
