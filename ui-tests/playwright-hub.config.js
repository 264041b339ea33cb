/**
 * The smoke test through a real JupyterHub (run as root: the hub creates an OS user):
 * `jlpm playwright test -c playwright-hub.config.js` (port HUB_PORT, default 18130, and the
 * next two). tests/hub/serve_for_browser.py starts the same hub as the pytest suite tests/hub/.
 */
const port = Number(process.env.HUB_PORT || '18130');

module.exports = {
  testDir: './hub',
  outputDir: './test-results-hub',
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: './playwright-report-hub' }]
  ],
  workers: 1,
  timeout: 240 * 1000,
  use: {
    browserName: 'chromium',
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1920, height: 1080 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run'
      ]
    }
  },
  webServer: {
    command: `../.venv/bin/python ../tests/hub/serve_for_browser.py ${port}`,
    url: `http://127.0.0.1:${port}/lab-hub/hub/api/`,
    timeout: 180 * 1000,
    reuseExistingServer: false,
    // The hub removes its OS user on SIGTERM: give it the time.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 60 * 1000 }
  }
};
