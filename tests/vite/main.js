// What a new user writes in a fresh Vite app: no vite.config, no copied assets, no model URL.
import { createValuator } from '@dataunion/valuation';

const domain = new URLSearchParams(location.search).get('domain') ?? undefined;
const status = document.getElementById('status');
const valuator = createValuator();
valuator.ready().then(
  (info) => (status.textContent = `ready (${info.precision}, ${info.wasm})`),
  (e) => (status.textContent = `error: ${e.code}: ${e.message}`),
);

document.getElementById('file').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  status.textContent = 'valuating';
  try {
    const report = await valuator.valuate(file, { domain });
    document.getElementById('report').textContent = JSON.stringify(report);
    status.textContent = `done: ${report.score}`;
  } catch (e) {
    status.textContent = `error: ${e.code}: ${e.message}`;
  }
});
