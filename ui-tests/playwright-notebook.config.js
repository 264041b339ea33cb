/**
 * The same flows in Notebook 7 (`jupyter notebook`): `jlpm test:notebook`.
 * Needs the `notebook` package (>=7) in the environment. Its own port
 * (GALATA_NOTEBOOK_PORT, default 8889), artifacts in test-results-notebook/ and
 * report in playwright-report-notebook/, so it never collides with the
 * JupyterLab run.
 */
const { makeConfig } = require('./playwright.config');

const config = makeConfig({
  app: 'notebook',
  port: process.env.GALATA_NOTEBOOK_PORT || '8889',
  testDir: './notebook7',
  outputDir: './test-results-notebook',
  htmlFolder: './playwright-report-notebook',
  landing: 'tree'
});
// The tests read notebooks' models through `window.jupyterapp`, as in
// JupyterLab (where Galata's server configuration exposes it already).
config.webServer.command += ' --JupyterNotebookApp.expose_app_in_browser=True';

module.exports = config;
