"""ipywidgets for notebooks: pick, download and save data through JupyterLab's openBIS login.

Standard ipywidgets (>= 8) only, so they render in JupyterLab and Notebook 7
without a frontend extension. All openBIS work goes through the server
companion's REST API (see ``kernel/client.py``), authenticated as this kernel.
"""

from .download import DownloadWidget
from .picker import DataSetPicker
from .save import SaveNotebookWidget

__all__ = ["DataSetPicker", "DownloadWidget", "SaveNotebookWidget"]
