/**
 * Galata runs JupyterLab in Debian's Chromium: Playwright cannot download its
 * own browser builds on our machines.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

// GALATA_PORT lets two test runs share a machine (jupyter_server_test_config.py reads it too).
const port = process.env.GALATA_PORT || '8888';

module.exports = {
  ...baseConfig,
  testDir: './tests',
  reporter: [['list'], ['html', { open: 'never' }]],
  workers: 1,
  retries: 0,
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
    command: 'jlpm start',
    url: `http://localhost:${port}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: !process.env.CI
  }
};
