"""The Dockerfile and the nginx config, checked without a Docker engine.

What can be checked here is checked: the image installs from pyproject.toml, runs `streamlit run
app.py` with the hardened config as a non-root user, and health-checks /_stcore/health; the files it
copies are enough to build the wheel and to run every page; the nginx config matches the upload
limit and upgrades the websocket. The running proxy is tested in tests/e2e/test_replicas.py.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
NGINX = REPO / "deploy" / "nginx.conf"
HARDENED_KEYS = re.compile(
    r"enableXsrfProtection|gatherUsageStats|showErrorDetails|toolbarMode|enableStaticServing|maxUploadSize"
    r"|ENABLE_XSRF|GATHER_USAGE|SHOW_ERROR|TOOLBAR_MODE|ENABLE_STATIC|MAX_UPLOAD",
    re.IGNORECASE,
)


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    joined: list[str] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in joined
    ]


def exec_form(arguments: str) -> list[str]:
    return list(json.loads(arguments)) if arguments.startswith("[") else arguments.split()


def of(kind: str) -> list[str]:
    return [args for instruction, args in instructions() if instruction == kind]


def max_upload_mb() -> int:
    with (REPO / ".streamlit" / "config.toml").open("rb") as handle:
        return int(tomllib.load(handle)["server"]["maxUploadSize"])


def test_base_image_is_a_supported_python() -> None:
    (base,) = of("FROM")
    match = re.match(r"python:3\.(\d+)-slim", base)
    assert match and int(match.group(1)) >= 11, base


def test_installs_from_pyproject() -> None:
    copies = " ".join(of("COPY"))
    assert "pyproject.toml" in copies
    assert any(re.search(r"pip install (--no-cache-dir )?\.(\s|$|&)", run) for run in of("RUN")), of("RUN")


def test_runs_streamlit_on_app_py_with_the_repo_config() -> None:
    command = exec_form(of("ENTRYPOINT")[-1]) + exec_form(of("CMD")[-1])
    assert command[:3] == ["streamlit", "run", "app.py"]
    # The hardening lives in .streamlit/config.toml, copied into the working directory...
    assert any(c.split()[0] == ".streamlit" for c in of("COPY"))
    assert of("WORKDIR")[-1] == "/app"
    # ...and nothing on the command line or in the environment overrides it.
    overrides = [part for part in command + of("ENV") if HARDENED_KEYS.search(part)]
    assert overrides == []
    port = next(c.split("=", 1)[1] for c in command if c.startswith("--server.port="))
    assert of("EXPOSE") == [port]


def test_runs_as_a_non_root_user() -> None:
    users = of("USER")
    assert users, "no USER: the app would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    order = [instruction for instruction, _ in instructions()]
    assert order.index("USER") < order.index("ENTRYPOINT")
    assert order[len(order) - 1 - order[::-1].index("USER") :].count("RUN") == 0, "RUN after USER"


def test_healthcheck_uses_the_streamlit_health_endpoint() -> None:
    (healthcheck,) = of("HEALTHCHECK")
    assert "/_stcore/health" in healthcheck
    port = next(c.split("=", 1)[1] for c in exec_form(of("CMD")[-1]) if c.startswith("--server.port="))
    assert f":{port}/_stcore/health" in healthcheck
    # The command itself must run in the image: python is there, curl and wget are not (slim).
    assert "curl" not in healthcheck and "wget" not in healthcheck
    code = re.search(r'"-c", "(.*)"\]', healthcheck)
    assert code, healthcheck
    compile(code.group(1), "HEALTHCHECK", "exec")


def copied_tree(target: Path) -> Path:
    """What the image holds under /app: the Dockerfile's COPY sources, minus .dockerignore."""
    ignored = [
        p.strip()
        for p in (REPO / ".dockerignore").read_text().splitlines()
        if p.strip() and not p.startswith("#")
    ]

    def ignore(directory: str, names: list[str]) -> set[str]:
        rel = Path(directory).relative_to(REPO)
        return {
            n
            for n in names
            if any(Path(rel / n).match(p.removeprefix("**/")) or n == p.removeprefix("**/") for p in ignored)
        }

    for args in of("COPY"):
        *sources, destination = args.split()
        for source in sources:
            origin = REPO / source
            # `COPY a b ./` puts a and b in /app; `COPY src ./src` names the destination.
            dest = target / Path(source).name if destination in {"./", "."} else target / destination
            if origin.is_dir():
                shutil.copytree(origin, dest, ignore=ignore, dirs_exist_ok=True)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, dest)
    return target


def test_image_holds_every_page_and_local_module(tmp_path: Path) -> None:
    tree = copied_tree(tmp_path / "app")
    router = ast.parse((tree / "app.py").read_text())
    pages = [
        n.args[0].value
        for n in ast.walk(router)
        if isinstance(n, ast.Call)
        and getattr(n.func, "attr", "") == "Page"
        and isinstance(n.args[0], ast.Constant)
    ]
    assert pages and all((tree / p).is_file() for p in pages), pages
    assert (tree / ".streamlit" / "config.toml").read_bytes() == (
        REPO / ".streamlit" / "config.toml"
    ).read_bytes()
    # Every local import of the app scripts (ui.*) resolves inside the image.
    local_roots = {p.name for p in REPO.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    for script in [
        tree / "app.py",
        *(tree / p for p in pages),
        *sorted((tree / "ui").glob("*.py")),
    ]:
        for node in ast.walk(ast.parse(script.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in local_roots:
                module = tree / Path(*node.module.split("."))
                assert module.with_suffix(".py").exists() or (module / "__init__.py").exists(), node.module
    assert not (tree / "tests").exists() and not (tree / ".venv").exists()


def test_the_copied_files_build_the_wheel_with_its_data(tmp_path: Path) -> None:
    """`pip install .` in the image: the wheel builds from the copied files and carries the data."""
    tree = copied_tree(tmp_path / "app")
    out = tmp_path / "wheel"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(tree)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if build.returncode and (
        "Could not find a version" in build.stderr or "No matching distribution" in build.stderr
    ):
        pytest.skip(f"the build backend could not be fetched: {build.stderr.strip().splitlines()[-1]}")
    assert build.returncode == 0, build.stderr
    (wheel,) = out.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    data = sorted(
        p.relative_to(REPO / "src").as_posix() for p in (REPO / "src" / "copilot_roi" / "data").glob("*")
    )
    assert data and set(data) <= set(names), f"package data missing from the wheel: {set(data) - set(names)}"


# --- nginx ---------------------------------------------------------------------------------


def nginx_text() -> str:
    return re.sub(r"#.*", "", NGINX.read_text(encoding="utf-8"))


def test_nginx_body_limit_matches_the_upload_limit() -> None:
    (limit,) = re.findall(r"client_max_body_size\s+(\d+)m;", nginx_text())
    # The file plus its multipart envelope must fit; much more would let huge bodies reach the app.
    assert max_upload_mb() <= int(limit) <= max_upload_mb() + 2


def test_nginx_sticky_sessions() -> None:
    text = nginx_text()
    upstream = re.search(r"upstream\s+\w+\s*\{(.*?)\}", text, re.S)
    assert upstream
    assert re.search(r"\b(ip_hash|hash\s+\$\S*cookie\S*|hash\s+\$copilot_roi_route)", upstream.group(1))
    assert len(re.findall(r"^\s*server\s", upstream.group(1), re.M)) >= 2


def test_nginx_websocket_upgrade() -> None:
    text = nginx_text()
    stream = re.search(r"location\s+/_stcore/stream\s*\{(.*?)\}", text, re.S)
    assert stream, "no location for the websocket"
    body = stream.group(1)
    assert "proxy_http_version 1.1;" in body
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade;", body)
    assert re.search(r"proxy_set_header\s+Connection\s+\S+;", body)
    assert re.search(r"proxy_read_timeout\s+\S+;", body)
    # Streamlit compares the websocket's Origin with Host: keep the port.
    assert re.search(r"proxy_set_header\s+Host\s+\$http_host;", body)


def test_nginx_lets_the_xsrf_cookie_through() -> None:
    text = nginx_text()
    assert not re.search(r"proxy_hide_header\s+Set-Cookie|proxy_ignore_headers\s+[^;]*Set-Cookie", text, re.I)
    assert "proxy_cookie_" not in text
    assert not re.search(r"proxy_set_header\s+Cookie", text, re.I)
