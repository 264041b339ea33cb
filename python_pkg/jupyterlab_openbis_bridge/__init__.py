"""jupyterlab-openbis-bridge: link JupyterLab notebooks to openBIS.

Three programs live side by side: ``server/`` (the jupyter_server extension), ``kernel/``
(what runs inside a user's kernel) and ``cli/`` (``jupyter openbis``); the modules at this
level are shared by them. The server extension is loaded lazily so that kernels importing this
package (``from jupyterlab_openbis_bridge import ...``) do not pull in jupyter_server.
"""

from .version import __version__ as __version__


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-openbis-bridge"}]


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    from .server.app import OpenBISBridge

    return [{"module": "jupyterlab_openbis_bridge", "app": OpenBISBridge}]


# Kernel helpers, imported on first use so that ``import jupyterlab_openbis_bridge`` stays light.
_KERNEL_API = {
    "openbis": "kernel.session",
    "download": "kernel.data",
    "load": "kernel.data",
}


def __getattr__(name: str) -> object:
    module = _KERNEL_API.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)
