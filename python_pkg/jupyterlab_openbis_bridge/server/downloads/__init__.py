"""Download jobs: data-set files from openBIS into a folder under the Jupyter root.

``request`` checks a ``POST .../downloads`` body; ``job`` runs the job: ``plan`` looks
the files up, ``fast`` (openBIS's fast-download protocol, for many small files) and
``plain`` (one GET per file) fetch them over ``wire``'s abortable connections, and
``local`` writes, verifies and renames them, or removes them again on cancel.
"""

from .job import Downloader
from .request import DownloadRequest, parse_download_request

__all__ = ["DownloadRequest", "Downloader", "parse_download_request"]
