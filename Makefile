# The two commands of the README. Both set up a fresh clone on their own.
.PHONY: demo test

## Install everything, start the openBIS sandbox and JupyterLab connected to it.
## Ports: make demo LAB_PORT=8889 SANDBOX_PORT=8444
LAB_PORT ?= 8888
SANDBOX_PORT ?= 8443
demo:
	scripts/demo.sh --lab-port "$(LAB_PORT)" --sandbox-port "$(SANDBOX_PORT)"

## Install everything and run every test suite (what CI runs).
test:
	scripts/test.sh
