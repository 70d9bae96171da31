# Capillary's production image: gunicorn (web), Celery (worker, beat). See docker-compose.yml.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    CAPILLARY_VAR_DIR=/app/var \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/media

# WeasyPrint: Pango and HarfBuzz (subsetting keeps PDFs small and fast); a CJK font so Chinese renders.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv==0.13.9"

WORKDIR /app
# Dependencies first (cached while only the code changes), exactly as locked, without the dev group.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --locked --no-dev --no-install-project

COPY . .
# Static files are collected into the image (whitenoise serves them); the values below exist only so
# that the production settings load: collectstatic touches neither the database nor Redis.
RUN DATABASE_URL=postgresql://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --no-input
# The application's own bytecode, compiled once here (the dependencies' by UV_COMPILE_BYTECODE): with
# PYTHONDONTWRITEBYTECODE each gunicorn and Celery process would otherwise compile every module as it starts.
RUN python -m compileall -q accounts compounds config funding portal ratings reports staffing workorders

RUN useradd --system --uid 10001 --home-dir /app capillary \
    && mkdir -p /app/var/celery /app/media \
    && chown -R capillary /app/var /app/media
USER capillary

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
