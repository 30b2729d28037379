"""The team's own time-saved survey: template, answers checked row by row, statistics, calibration."""
