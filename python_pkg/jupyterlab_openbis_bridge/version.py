"""The package version: from the ``_version.py`` a build writes, else ``dev``.

Shared by the package's entry points and the server extension (status route, ``ExtensionApp``).
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

__all__ = ["__version__"]
