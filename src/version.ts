/**
 * This frontend's package version, compared with the server extension's in
 * the start-up handshake (the Python package takes its version from the same
 * package.json).
 */
declare const require: (id: string) => unknown;

const packageJson = require('../package.json') as { version: string };

export const FRONTEND_VERSION: string = packageJson.version;
