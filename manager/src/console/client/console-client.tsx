// The console page's script (bundled for the browser by scripts/build.mjs, with its style sheet).
import { render } from 'preact';
import { App } from './app.js';
import './console.css';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
