"""Tracking: progress reports, time-proportional progress, forecasts, warnings, cases, assessment."""
