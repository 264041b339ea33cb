"""Public home of the notebook widgets: ``from jupyterlab_openbis_bridge.widgets import ...``.

They live with the rest of the kernel side in ``kernel/widgets/``; this facade keeps the
documented import path.
"""

from .kernel.widgets import DataSetPicker, DownloadWidget, SaveNotebookWidget

__all__ = ["DataSetPicker", "DownloadWidget", "SaveNotebookWidget"]
