/**
 * Galata runs JupyterLab in Debian's Chromium: Playwright cannot download its
 * own browser builds on our machines.
 *
 * JupyterLab run: `jlpm playwright test` (port GALATA_PORT, default 8888;
 * artifacts in test-results/, report in playwright-report/). The Notebook 7
 * run (playwright-notebook.config.js) uses its own port and folders, so both
 * can run one after the other or side by side.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

/** Reporters; a JUnit file too when PLAYWRIGHT_JUNIT_OUTPUT_NAME is set (CI). */
function reporters(htmlFolder) {
  const list = [
    ['list'],
    ['html', { open: 'never', outputFolder: htmlFolder }]
  ];
  if (process.env.PLAYWRIGHT_JUNIT_OUTPUT_NAME) {
    list.push([
      'junit',
      { outputFile: process.env.PLAYWRIGHT_JUNIT_OUTPUT_NAME }
    ]);
  }
  return list;
}

/**
 * A config for one front end: `app` is `lab` or `notebook`, `path` its landing
 * page. jupyter_server_test_config.py reads GALATA_PORT, so the web server is
 * given the port through its environment.
 */
function makeConfig({ app, port, testDir, outputDir, htmlFolder, landing }) {
  return {
    ...baseConfig,
    testDir,
    outputDir,
    reporter: reporters(htmlFolder),
    workers: 1,
    retries: 0,
    // Reference images of screenshots.spec.ts, one per name (CI and developers
    // run the same Debian Chromium); `jlpm test:update` regenerates them.
    snapshotPathTemplate: '{testDir}/../snapshots/{testFilePath}/{arg}{ext}',
    expect: {
      ...baseConfig.expect,
      toHaveScreenshot: {
        animations: 'disabled',
        caret: 'hide',
        scale: 'css',
        // Anti-aliasing may differ by a few pixels between runs, never a layout.
        maxDiffPixelRatio: 0.002
      }
    },
    use: {
      ...baseConfig.use,
      browserName: 'chromium',
      baseURL: `http://localhost:${port}`,
      video: 'off',
      // Wide enough that the notebook toolbar does not fold items into its overflow menu.
      viewport: { width: 1920, height: 1080 },
      trace: 'retain-on-failure',
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic'
        ]
      }
    },
    webServer: {
      command: `jupyter ${app} --config jupyter_server_test_config.py`,
      url: `http://localhost:${port}/${landing}`,
      env: { ...process.env, GALATA_PORT: String(port) },
      timeout: 120 * 1000,
      reuseExistingServer: !process.env.CI
    }
  };
}

module.exports = makeConfig({
  app: 'lab',
  port: process.env.GALATA_PORT || '8888',
  testDir: './tests',
  outputDir: './test-results',
  htmlFolder: './playwright-report',
  landing: 'lab'
});
module.exports.makeConfig = makeConfig;
