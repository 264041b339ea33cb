# The two commands of the README. Both set up a fresh clone on their own.
.PHONY: demo test

## Install everything, start the openBIS sandbox and JupyterLab connected to it.
demo:
	scripts/demo.sh

## Install everything and run every test suite (what CI runs).
test:
	scripts/test.sh
