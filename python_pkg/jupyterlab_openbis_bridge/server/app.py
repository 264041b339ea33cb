"""The jupyter_server extension: configuration, lifecycle and route wiring."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

from jupyter_core.paths import jupyter_config_dir, jupyter_config_path
from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from traitlets import Bool, Dict, Float, Int, List, Unicode, default

from ..profile_sources import SourceSettings, gather_profiles
from ..profiles import LEGACY_FILE_NAME, PROFILE_FILE_NAME, load_profile_file
from ..version import __version__
from .connections import ConnectionRegistry
from .handlers import ROUTE_PREFIX, build_routes
from .kernel_session import register_event_schema
from .mount_handlers import build_mount_routes
from .open_handlers import build_open_routes
from .rerun_handlers import build_rerun_routes
from .service import BridgeService
from .settings import BridgeSettings, hub_login_url


class OpenBISBridge(ExtensionApp):
    """Server side of jupyterlab-openbis-bridge, configured as ``c.OpenBISBridge.*``.

    An ``ExtensionApp`` (rather than a bare load hook) so that ``stop_extension``
    can cancel transfers and log out of openBIS when the server shuts down.
    """

    name = "jupyterlab_openbis_bridge"
    description = "Connect JupyterLab notebooks to openBIS"
    version = __version__
    # Loaded as an extension of JupyterLab, never launched as its own app.
    load_other_extensions = True

    connections_file = Unicode(
        "",
        config=True,
        help=f"Profile file read and written by the bridge (no secrets, mode 0600); "
        f"edits by `jupyter openbis` are picked up while running. "
        f"Default: <jupyter config dir>/{PROFILE_FILE_NAME}.",
    )
    connections = List(
        Dict(),
        config=True,
        help="Read-only connection profiles: [{name, url, username?, verifyCertificates?, caBundle?}].",
    )
    read_legacy_connections = Bool(
        True,
        config=True,
        help=f"Also read the old {LEGACY_FILE_NAME} from every Jupyter config directory (read-only).",
    )
    read_environment = Bool(
        True,
        config=True,
        help="Add a connection from OPENBIS_URL + OPENBIS_TOKEN (set by JupyterHub); with "
        "OPENBIS_URL alone, the session the hub saved in ~/.pybis/<host>.token.",
    )
    hub_login_on_expiry = Bool(
        False,
        config=True,
        help="Under JupyterHub, when the hub's openBIS session ends, offer the hub's login "
        "(logout, then log in again) instead of asking for the password (docs/jupyterhub.md).",
    )
    verify_certificates = Bool(
        True,
        config=True,
        help="Default TLS verification for environment and legacy connections. Turning it off is shown in the UI.",
    )
    ca_bundle = Unicode(
        "",
        config=True,
        help="Default CA bundle (PEM path) for connections that do not name their own.",
    )
    request_timeout = Float(
        30.0, config=True, help="Seconds to wait for any single HTTP exchange with openBIS."
    )
    status_timeout = Float(
        5.0, config=True, help="Seconds a live status check may take per connection."
    )
    lock_timeout = Float(
        30.0, config=True, help="Seconds a call waits for a connection busy with another call."
    )
    max_workers = Int(
        4, config=True, help="Threads for openBIS calls that belong to no one connection."
    )
    connection_workers = Int(
        2,
        config=True,
        help="Threads of each connection's own lane for openBIS calls (a bulkhead: a hung "
        "openBIS never takes threads from the other connections). 0 shares the max_workers "
        "pool among all connections.",
    )
    connection_queue = Int(
        32,
        config=True,
        help="Most openBIS calls one connection may have running or waiting; further calls "
        "are refused at once (504) until it answers again.",
    )
    max_transfers = Int(3, config=True, help="Downloads/uploads running at the same time.")
    masterdata_ttl = Float(
        300.0, config=True, help="Seconds the data-set types are cached per connection."
    )
    download_folder = Unicode(
        "data", config=True, help="Default download folder, beside the notebook."
    )
    keep_original_folder = Bool(
        False, config=True, help="Keep openBIS's 'original/' level in downloads."
    )
    upload_chunk_bytes = Int(
        10 * 1024 * 1024, config=True, help="Slice size for uploads to openBIS."
    )
    max_upload_files = Int(10000, config=True, help="Most files one save may upload.")
    default_dataset_type = Unicode(
        "ANALYSIS_NOTEBOOK", config=True, help="Type of saved notebook data sets."
    )

    service: BridgeService

    @default("connections_file")
    def _default_connections_file(self) -> str:
        return os.path.join(jupyter_config_dir(), PROFILE_FILE_NAME)

    def initialize_settings(self) -> None:
        self._route_package_logs()
        contents_manager = self.serverapp.contents_manager
        settings = BridgeSettings(
            root_dir=Path(self.serverapp.root_dir).resolve(),
            allow_hidden=bool(getattr(contents_manager, "allow_hidden", False)),
            request_timeout=self.request_timeout,
            status_timeout=self.status_timeout,
            lock_timeout=self.lock_timeout,
            call_workers=max(1, self.max_workers),
            transfer_workers=max(1, self.max_transfers),
            masterdata_ttl=self.masterdata_ttl,
            download_folder=self.download_folder,
            keep_original_folder=self.keep_original_folder,
            upload_chunk_bytes=max(64 * 1024, self.upload_chunk_bytes),
            max_upload_files=self.max_upload_files,
            default_dataset_type=self.default_dataset_type,
            connection_workers=max(0, self.connection_workers),
            connection_queue=max(1, self.connection_queue),
            runtime_dir=Path(self.serverapp.runtime_dir),
            hub_login_url=hub_login_url(os.environ) if self.hub_login_on_expiry else None,
        )
        registry = ConnectionRegistry(
            request_timeout=self.request_timeout,
            lock_timeout=self.lock_timeout,
            profile_path=Path(self.connections_file),
        )
        self._load_profiles(registry)
        self.service = BridgeService(settings, registry)

    def _route_package_logs(self) -> None:
        """Send the package's module loggers (``jupyterlab_openbis_bridge.*``) to the server's log.

        They have no handlers of their own; as children of the server's logger their
        lines get its handlers, format and level (as jupyterlab-git does).
        """
        package = logging.getLogger(__name__.split(".")[0])
        package.parent = self.serverapp.log
        package.setLevel(logging.NOTSET)

    def _load_profiles(self, registry: ConnectionRegistry) -> None:
        """Every source is optional; a bad entry is skipped with a warning, never fatal."""
        directories = dict.fromkeys(
            [*jupyter_config_path(), *getattr(self.serverapp, "config_file_paths", [])]
        )
        settings = SourceSettings(
            configured=tuple(self.connections),
            read_environment=self.read_environment,
            read_legacy=self.read_legacy_connections,
            verify_certificates=self.verify_certificates,
            ca_bundle=self.ca_bundle or None,
            legacy_files=tuple(Path(d) / LEGACY_FILE_NAME for d in directories),
        )
        own_file = load_profile_file(Path(self.connections_file))
        gathered = gather_profiles(settings, own_file, os.environ)
        for item in gathered.active:
            registry.add(item.profile, password=item.password, token=item.token or item.token_file)
        registry.adopt_file(own_file)
        for warning in gathered.warnings:
            self.log.warning("openBIS bridge: %s", warning)
        for item in gathered.plaintext_passwords:
            self.log.warning(
                "openBIS bridge: %s: entry %r stores a password in plain text; "
                "it is used from memory only, please remove it from the file",
                item.source,
                item.profile.name,
            )
        for item in gathered.profiles:
            if item.shadowed:
                self.log.warning(
                    "openBIS connection %r from %s ignored: the name is already defined",
                    item.profile.name,
                    item.source,
                )
        for conn in registry.all():
            if not conn.profile.verify_certificates:
                self.log.warning(
                    "openBIS connection %r: TLS certificate verification is OFF", conn.name
                )

    def initialize_handlers(self) -> None:
        self.handlers.extend(build_mount_routes(self))  # before build_routes' catch-all
        self.handlers.extend(build_rerun_routes(self))
        self.handlers.extend(build_open_routes(self))
        self.handlers.extend(build_routes(self))
        register_event_schema(self.serverapp.event_logger)  # before frontends subscribe
        self.service.jobs.publish_to(self.serverapp.event_logger)  # transfer progress
        self.log.info("openBIS bridge %s serving under /%s/", __version__, ROUTE_PREFIX)

    def job_url(self, job_id: str) -> str:
        return url_path_join(self.serverapp.base_url, ROUTE_PREFIX, "jobs", job_id)

    async def stop_extension(self) -> None:
        service = getattr(self, "service", None)
        if service is not None:
            # Logging out may wait on openBIS: keep it off the loop that is shutting down.
            await asyncio.to_thread(service.shutdown)
        self.log.debug("openBIS bridge stopped")


__all__ = ["OpenBISBridge"]
