"""The shape of the house, read from the source (no app, no database).

- Module-level imports among ``app`` modules form no cycle: dependencies run one way
  (blueprints / cli / worker → services → search → ledger, outbox → models → base).
- No import inside a function body, unless a comment on that line or the line above says why it
  must be lazy. ``app/__init__.py``'s ``create_app`` helpers (``register_*``) import blueprints and
  extensions by design: the factory is the one place that wires everything, and importing it must
  stay cheap, so those are allowed without a comment.
- No module in ``app`` over MAX_LINES lines (templates and migrations are not Python under app/).
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
MAX_LINES = 400
# Functions of app/__init__.py that import by design (see the module docstring).
FACTORY = "app/__init__.py"


def _modules():
    """{dotted module name: path} of every Python module under app/."""
    modules = {}
    for path in sorted(APP.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _is_package(name):
    return MODULES[name].name == "__init__.py"


def _resolve(module, node):
    """The absolute module a `from ... import` names (relative imports resolved)."""
    if not node.level:
        return node.module
    base = module.split(".")
    if not _is_package(module):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(module, node):
    """The app modules an import statement loads."""
    found = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        source = _resolve(module, node)
        # `from app.services import pledges` loads the module app.services.pledges.
        names = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source
                 for alias in node.names]
    for name in names:
        while name and name not in MODULES:  # `import app.search.query as q` → that module
            name = name.rpartition(".")[0]
        if name and name.startswith("app"):
            found.append(name)
    return found


def _is_type_checking(node):
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk_module_level(tree):
    """Import nodes that run when the module is imported (not in functions, not TYPE_CHECKING)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        elif isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
        else:
            stack.extend(ast.iter_child_nodes(node))


def _function_imports(tree):
    """(function name, import node) for every import inside a function body."""
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    yield function.name, node


TREES = {name: ast.parse(path.read_text(encoding="utf-8"), str(path)) for name, path in MODULES.items()}


def import_graph():
    graph = {}
    for name, tree in TREES.items():
        graph[name] = sorted({t for node in _walk_module_level(tree) for t in _targets(name, node)} - {name})
    return graph


def cycles(graph):
    """Every strongly connected component with more than one module (Tarjan), each sorted."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in graph.get(node, ()):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _a_path(graph, component):
    """One closed path through a cycle's modules, to name it: a → b → … → a."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    while True:
        following = [n for n in graph[path[-1]] if n in members]
        back = [n for n in following if n == start]
        if back and len(path) > 1:
            return " → ".join(path + [start])
        fresh = [n for n in following if n not in seen]
        if not fresh:
            return " → ".join(path + [following[0]]) if following else " ↔ ".join(component)
        path.append(fresh[0])
        seen.add(fresh[0])


def lazy_imports_without_reason():
    found = []
    for name, tree in TREES.items():
        path = MODULES[name]
        relative = str(path.relative_to(ROOT))
        lines = path.read_text(encoding="utf-8").splitlines()
        for function, node in _function_imports(tree):
            if relative == FACTORY and function.startswith("register_"):
                continue
            here, above = lines[node.lineno - 1], lines[node.lineno - 2] if node.lineno > 1 else ""
            if "#" in here or above.strip().startswith("#"):
                continue
            found.append(f"{relative}:{node.lineno} in {function}(): {here.strip()}")
    return found


def long_modules():
    found = []
    for path in MODULES.values():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES:
            found.append(f"{path.relative_to(ROOT)}: {count} lines")
    return sorted(found)


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    assert cycles(graph) == [["a", "b", "c"]]
    assert _a_path(graph, ["a", "b", "c"]) == "a → b → c → a"
    assert cycles({"a": ["b"], "b": []}) == []


def test_no_import_cycle_among_app_modules():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(_a_path(graph, c) for c in found)


def test_no_unexplained_import_inside_a_function():
    found = lazy_imports_without_reason()
    assert not found, ("imports inside functions without a comment saying why they are lazy:\n"
                       + "\n".join(found))


def test_no_module_over_the_limit():
    found = long_modules()
    assert not found, f"modules over {MAX_LINES} lines:\n" + "\n".join(found)


def _functions_calling(name):
    """(module, function) for every function of app/ whose body calls ``name``."""
    found = set()
    for module, tree in TREES.items():
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and getattr(call.func, "id", getattr(call.func, "attr", None)) == name:
                    found.add((module, function.name))
    return found


def test_no_request_sends_mail_itself():
    """Mail goes out from the worker only: every function that calls send_mail is a job the worker
    runs (it is called in app/worker.py), and no view imports the mail module."""
    run_by_worker = {node.func.id for node in ast.walk(TREES["app.worker"])
                     if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    senders = _functions_calling("send_mail") - {("app.mail", "send_mail")}
    assert senders, "the finder found no sender at all"
    for module, function in senders:
        callers = {caller for m, caller in _functions_calling(function) if m == module}
        assert function in run_by_worker or callers & run_by_worker, (module, function)
    views = [module for module in MODULES if module.startswith("app.blueprints")]
    assert not [module for module in views if "app.mail" in import_graph().get(module, set())]
