/**
 * The same flows in Notebook 7 (`jupyter notebook`), run with
 * `jlpm playwright test -c playwright-notebook.config.js`. Needs the `notebook`
 * package in the environment.
 */
const labConfig = require('./playwright.config');

const port = process.env.GALATA_PORT || '8888';

module.exports = {
  ...labConfig,
  testDir: './notebook7',
  webServer: {
    ...labConfig.webServer,
    command: 'jupyter notebook --config jupyter_server_test_config.py',
    url: `http://localhost:${port}/tree`
  }
};
