"""jupyterlab-openbis-bridge: link JupyterLab notebooks to openBIS.

The server extension is loaded lazily so that kernels importing this package
(``from jupyterlab_openbis_bridge import ...``) do not pull in jupyter_server.
"""

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    import warnings

    warnings.warn(
        "Importing 'jupyterlab_openbis_bridge' outside a proper installation.",
        stacklevel=2,
    )
    __version__ = "dev"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-openbis-bridge"}]


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    from .app import OpenBISBridge

    return [{"module": "jupyterlab_openbis_bridge", "app": OpenBISBridge}]


# Kernel helpers, imported on first use so that ``import jupyterlab_openbis_bridge`` stays light.
_KERNEL_API = {
    "openbis": "kernel_openbis",
    "download": "kernel_data",
    "load": "kernel_data",
}


def __getattr__(name: str) -> object:
    module = _KERNEL_API.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)
