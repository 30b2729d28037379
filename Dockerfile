# Copilot ROI: one app process per container. Scale out by running several behind a reverse proxy
# with sticky sessions (deploy/nginx.conf); the app keeps no state outside each user's session.
#
#   docker build -t copilot-roi .
#   docker run --rm -p 8501:8501 copilot-roi
FROM python:3.12-slim

# One native (BLAS/OpenMP) thread per process, from before Python starts: the sessions and replicas
# are the parallelism (src/copilot_roi/threads.py says why; app.py sets the same limit).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1 \
    MKL_NUM_THREADS=1

WORKDIR /app

# Install the engine and its pinned dependencies from pyproject.toml first, so code changes to the
# pages do not invalidate this layer.
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && rm -rf src build

# The Streamlit app: router, pages, shared widgets, the hardened config and the bundled samples.
COPY app.py ./
COPY app_pages ./app_pages
COPY ui ./ui
COPY .streamlit ./.streamlit
COPY sample_data ./sample_data

# Run as an unprivileged user that owns nothing in /app: uploads stay in memory.
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app
USER 10001:10001

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

# .streamlit/config.toml holds the hardening (XSRF, no stats, no error details, upload limit);
# only the address and port are set here. Replicas behind one proxy should share
# STREAMLIT_SERVER_COOKIE_SECRET so signed cookies (e.g. the OIDC login) verify on any of them.
ENTRYPOINT ["streamlit", "run", "app.py"]
CMD ["--server.address=0.0.0.0", "--server.port=8501"]
