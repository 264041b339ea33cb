"""The DSS's read-only SFTP view: the space/project/experiment/data set tree over SSH."""
