"""The web app: FastAPI pages (Jinja2 + htmx + ECharts) and the /api/v1 JSON API, users and roles."""
