"""The hardened configuration and the code rules that keep one customer's data out of another's view.

Streamlit imports a module once and shares it (and every global cache) across all sessions, so the
rules are checked on the source: the engine never imports streamlit, holds no module-level mutable
state, global caches take no customer data, and upload-derived text never reaches raw HTML.
See ../shared/reference/security.md ("Streamlit").
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / ".streamlit" / "config.toml"
MIN_STREAMLIT = Version("1.60")
# Streamlit reads maxUploadSize in MiB; the nginx config in deploy/ must allow the same body size.
MAX_UPLOAD_MB_CEILING = 1024


def python_files(*roots: str) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        path = REPO / root
        assert path.exists(), f"{root} is gone: update the roots these rules cover"
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [f for f in files if ".venv" not in f.parts]


def page_scripts() -> list[str]:
    """Every script app.py routes to (``st.Page("...")``), so a moved or new page is covered."""
    router = ast.parse((REPO / "app.py").read_text(encoding="utf-8"))
    scripts = [
        str(node.args[0].value)
        for node in ast.walk(router)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "Page"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    assert scripts, "app.py routes to no page script"
    return scripts


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(REPO)}:{getattr(node, 'lineno', '?')}"


SCRIPTS = ("app.py", *page_scripts(), "ui")  # what Streamlit runs or imports for a page
APP_CODE = python_files(*SCRIPTS, "src")
IMPORTED_MODULES = python_files("ui", "src")  # imported once per process, shared by every session


# --- .streamlit/config.toml -------------------------------------------------------------------


@pytest.fixture(scope="module")
def config() -> dict[str, dict[str, object]]:
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def test_xsrf_protection_on(config: dict[str, dict[str, object]]) -> None:
    assert config["server"].get("enableXsrfProtection") is True
    # Streamlit silently turns XSRF protection back off when CORS is disabled.
    assert config["server"].get("enableCORS", True) is True


def test_no_usage_statistics(config: dict[str, dict[str, object]]) -> None:
    assert config["browser"].get("gatherUsageStats") is False


def test_no_error_details_in_the_browser(config: dict[str, dict[str, object]]) -> None:
    assert config["client"].get("showErrorDetails") == "none"


def test_toolbar_is_viewer_only(config: dict[str, dict[str, object]]) -> None:
    assert config["client"].get("toolbarMode") == "viewer"


def test_static_serving_off(config: dict[str, dict[str, object]]) -> None:
    assert config["server"].get("enableStaticServing") is False


def test_upload_limit_is_explicit(config: dict[str, dict[str, object]]) -> None:
    limit = config["server"].get("maxUploadSize")
    assert isinstance(limit, int) and not isinstance(limit, bool), "server.maxUploadSize must be set"
    assert 1 <= limit <= MAX_UPLOAD_MB_CEILING
    # The message size limit must not be below the upload limit or large uploads fail oddly.
    message_limit = config["server"].get("maxMessageSize", 200)
    assert isinstance(message_limit, int) and message_limit >= 1


def test_dev_features_off(config: dict[str, dict[str, object]]) -> None:
    assert config["server"].get("headless", True) is True
    assert config.get("global", {}).get("developmentMode", False) is False
    assert config.get("runner", {}).get("magicEnabled", True) is False


# --- pinned, advisory-free Streamlit ---------------------------------------------------------


def streamlit_requirement() -> Requirement:
    with (REPO / "pyproject.toml").open("rb") as handle:
        dependencies = tomllib.load(handle)["project"]["dependencies"]
    found = [Requirement(d) for d in dependencies if Requirement(d).name.lower() == "streamlit"]
    assert len(found) == 1, "pyproject.toml must declare streamlit once"
    return found[0]


def test_streamlit_lower_bound_pinned() -> None:
    requirement = streamlit_requirement()
    lower_bounds = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "==", "~=")]
    assert lower_bounds, f"streamlit needs a lower bound, got {requirement}"
    assert max(lower_bounds) >= MIN_STREAMLIT
    # Every version the pin admits is at least the advisory-free floor.
    assert not requirement.specifier.contains("1.59.9", prereleases=True)


def test_installed_streamlit_is_new_enough() -> None:
    assert Version(metadata.version("streamlit")) >= MIN_STREAMLIT


# --- code rules --------------------------------------------------------------------------------


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return dotted(node.func)
    return ""


def test_engine_never_imports_streamlit() -> None:
    offenders = []
    for path in python_files("src"):
        for node in ast.walk(parse(path)):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [where(path, node) for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == [], "src/ is the engine: it must not import streamlit"


CACHE_DECORATORS = {"cache_data", "cache_resource"}


def cache_uses(tree: ast.Module) -> Iterator[tuple[ast.AST, ast.Call | None, ast.FunctionDef | None]]:
    """(node, the cache call if called with arguments, the decorated function if any)."""
    decorated: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                if dotted(decorator).split(".")[-1] in CACHE_DECORATORS:
                    decorated.add(id(decorator))
                    call = decorator if isinstance(decorator, ast.Call) else None
                    yield decorator, call, node  # type: ignore[misc]
    for node in ast.walk(tree):
        # st.cache_data(func) or st.cache_data(ttl=...)(func) used as a plain call.
        if (
            isinstance(node, ast.Call)
            and id(node) not in decorated
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CACHE_DECORATORS
        ):
            yield node, node, None


def keyword(call: ast.Call | None, name: str) -> ast.expr | None:
    if call is None:
        return None
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def test_no_customer_data_in_a_global_cache() -> None:
    """A cache shared by all users may only hold bundled data: zero-argument loaders.

    Anything that takes an argument could be handed customer data, so it must be cached per
    session (``scope="session"``) and bounded (``max_entries``), or not cached at all.
    """
    offenders = []
    for path in APP_CODE:
        for node, call, function in cache_uses(parse(path)):
            scope = keyword(call, "scope")
            per_session = isinstance(scope, ast.Constant) and scope.value == "session"
            takes_arguments = (
                function is None
                or bool(function.args.args or function.args.posonlyargs or function.args.kwonlyargs)
                or bool(function.args.vararg or function.args.kwarg)
            )
            if per_session:
                if keyword(call, "max_entries") is None:
                    offenders.append(f"{where(path, node)}: session cache without max_entries")
            elif takes_arguments:
                offenders.append(f"{where(path, node)}: global cache of a function with arguments")
    assert offenders == []


def test_cache_rule_catches_a_global_cache_of_an_upload() -> None:
    bad = ast.parse("import streamlit as st\n@st.cache_data\ndef load(upload):\n    return upload\n")
    good = ast.parse(
        "import streamlit as st\n"
        "@st.cache_data(scope='session', max_entries=4)\ndef load(upload):\n    return upload\n"
        "@st.cache_resource\ndef price_book():\n    return 1\n"
    )
    assert [function.name for _, call, function in cache_uses(bad) if function and call is None] == ["load"]
    assert all(
        function is not None and (not function.args.args or keyword(call, "scope") is not None)
        for _, call, function in cache_uses(good)
    )


def raw_html_offenders(tree: ast.Module, path_label: str) -> list[str]:
    """Raw HTML must come from a string literal written in this repo, never from a variable."""
    offenders = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        unsafe_flag = keyword(node, "unsafe_allow_html")
        raw = (
            name.endswith(".html")
            or name == "html"
            or (isinstance(unsafe_flag, ast.Constant) and unsafe_flag.value is True)
        )
        if unsafe_flag is not None and not isinstance(unsafe_flag, ast.Constant):
            offenders.append(f"{path_label}:{node.lineno}: unsafe_allow_html set from an expression")
            continue
        if not raw or not node.args:
            continue
        body = node.args[0]
        literal = isinstance(body, ast.Constant) and isinstance(body.value, str)
        if not literal:
            offenders.append(f"{path_label}:{node.lineno}: {name}() with non-literal HTML")
    return offenders


def test_no_upload_text_in_raw_html() -> None:
    offenders = []
    for path in python_files(*SCRIPTS):
        offenders += raw_html_offenders(parse(path), str(path.relative_to(REPO)))
    assert offenders == [], "raw HTML only from literals; render data with st.* elements (escaped)"


def test_raw_html_rule_catches_interpolated_text() -> None:
    tree = ast.parse(
        "st.markdown(f'<b>{name}</b>', unsafe_allow_html=True)\n"
        "st.html(report)\n"
        "st.markdown('<hr>', unsafe_allow_html=True)\n"
        "st.markdown(name)\n"
    )
    assert len(raw_html_offenders(tree, "x")) == 2


MUTATING_METHODS = {
    "append", "extend", "insert", "remove", "pop", "popitem", "clear",
    "update", "setdefault", "add", "discard", "sort", "reverse", "__setitem__",
}  # fmt: skip
MUTABLE_FACTORIES = {"list", "dict", "set", "defaultdict", "deque", "OrderedDict", "Counter", "bytearray"}
CONSTANT_NAME = re.compile(r"^_*[A-Z][A-Z0-9_]*$")


def is_mutable_value(value: ast.expr | None) -> bool:
    if isinstance(value, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp | ast.SetComp):
        return True
    if isinstance(value, ast.BinOp):  # e.g. {..} | {..}
        return is_mutable_value(value.left) or is_mutable_value(value.right)
    return isinstance(value, ast.Call) and dotted(value.func).split(".")[-1] in MUTABLE_FACTORIES


def module_state_offenders(tree: ast.Module, label: str) -> list[str]:
    offenders = []
    constants: set[str] = set()
    for statement in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign):
            targets, value = [statement.target], statement.value
        for target in targets:
            if not isinstance(target, ast.Name) or not is_mutable_value(value):
                continue
            if target.id == "__all__":
                continue
            if CONSTANT_NAME.match(target.id):
                constants.add(target.id)
            else:
                offenders.append(f"{label}:{statement.lineno}: module-level mutable `{target.id}`")
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            offenders.append(f"{label}:{node.lineno}: `global {', '.join(node.names)}`")
        # A constant container must never change after import.
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id in constants and node.func.attr in MUTATING_METHODS:
                offenders.append(f"{label}:{node.lineno}: `{owner.id}.{node.func.attr}()` mutates a constant")
        if isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
            items = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            for item in items:
                if (
                    isinstance(item, ast.Subscript)
                    and isinstance(item.value, ast.Name)
                    and item.value.id in constants
                ):
                    offenders.append(f"{label}:{node.lineno}: item assignment mutates `{item.value.id}`")
    return offenders


def test_no_module_level_mutable_state() -> None:
    """Imported modules are shared by every session: module-level containers must be constants
    (UPPER_CASE and never mutated), and no function rebinds module globals."""
    offenders = []
    for path in IMPORTED_MODULES:
        offenders += module_state_offenders(parse(path), str(path.relative_to(REPO)))
    assert offenders == []


def test_module_state_rule_catches_a_shared_list() -> None:
    tree = ast.parse(
        "RATES = {'a': 1}\n_LOOKUP = {}\nseen = []\n"
        "def f(x):\n    global count\n    RATES['b'] = 2\n    _LOOKUP.update(x)\n"
    )
    assert len(module_state_offenders(tree, "x")) == 4


def test_uploads_never_written_to_disk_by_the_app() -> None:
    """Pages and widgets process uploads in memory: no temp files, no writes."""
    offenders = []
    for path in python_files(*SCRIPTS):
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = (
                    [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                )
                offenders += [where(path, node) for m in modules if m.split(".")[0] == "tempfile"]
            if isinstance(node, ast.Call) and dotted(node.func) in {"open", "io.open"}:
                mode = node.args[1] if len(node.args) > 1 else keyword(node, "mode")
                if isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax+"):
                    offenders.append(where(path, node))
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"write_text", "write_bytes"}
            ):
                offenders.append(where(path, node))
    assert offenders == []


def test_no_legacy_pages_directory_beside_the_router() -> None:
    """A ``pages/`` folder beside app.py makes Streamlit serve a deep link without the router
    (no shared sidebar, no privacy switch) until some session has run app.py; see tests/e2e."""
    root = Path(__file__).resolve().parents[2]
    assert not (root / "pages").exists()
    assert (root / "app_pages").is_dir()
