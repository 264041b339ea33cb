/**
 * Toolbar and palette icons. `jp-icon3` fills follow the light and dark themes.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const connectSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <path class="jp-icon3" fill="#616161" d="M16 7V3h-2v4h-4V3H8v4c-1.1 0-2 .9-2 2v5.5L9.5 18v3h5v-3l3.5-3.5V9c0-1.1-.9-2-2-2z"/>
</svg>`;

const downloadSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <path class="jp-icon3" fill="#616161" d="M11 3h2v9.2l3.6-3.6 1.4 1.4-6 6-6-6 1.4-1.4 3.6 3.6V3zM4 17h2v2h12v-2h2v4H4v-4z"/>
</svg>`;

const saveSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <path class="jp-icon3" fill="#616161" d="M19.35 10.04A7.49 7.49 0 0 0 12 4C9.11 4 6.6 5.64 5.35 8.04A5.994 5.994 0 0 0 0 14c0 3.31 2.69 6 6 6h13c2.76 0 5-2.24 5-5 0-2.64-2.05-4.78-4.65-4.96zM14 13v4h-4v-4H7l5-5 5 5h-3z"/>
</svg>`;

export const connectIcon = new LabIcon({
  name: 'openbis-bridge:connect',
  svgstr: connectSvg
});

export const downloadIcon = new LabIcon({
  name: 'openbis-bridge:download',
  svgstr: downloadSvg
});

export const saveToOpenbisIcon = new LabIcon({
  name: 'openbis-bridge:save',
  svgstr: saveSvg
});

/** The side panel's tab: a small hierarchy (space → project → data). */
const openbisSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <path class="jp-icon3" fill="#616161" d="M3 3h8v6H8v3h5v-2h8v6h-8v-2H8v4h5v-2h8v6h-8v-2H6V9H3V3zm2 2v2h4V5H5zm10 7v2h4v-2h-4zm0 6v2h4v-2h-4z"/>
</svg>`;

export const openbisIcon = new LabIcon({
  name: 'openbis-bridge:openbis',
  svgstr: openbisSvg
});
