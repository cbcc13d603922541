// axe-core (npm, injected into the page) on the page as it stands: the violations by impact.
// The E2E fails on any serious or critical one; moderate and minor ones are reported.
import { createRequire } from 'node:module';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const BLOCKING = new Set(['serious', 'critical']);

/** Runs axe (WCAG 2 A/AA rules) on `page`; resolves { rulesPassed, blocking, others } as "id (impact): n nodes" lines. */
export async function checkAccessibility(page) {
  await page.addScriptTag({ path: AXE_SOURCE });
  const { passes, violations } = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return {
      passes: result.passes.length,
      violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })),
    };
  });
  const line = (v) => `${v.id} (${v.impact}): ${v.nodes.length} node(s) ${v.nodes.slice(0, 3).join(', ')}`;
  if (!passes) throw new Error('axe passed no rule: it did not look at the page');
  return {
    rulesPassed: passes,
    blocking: violations.filter((v) => BLOCKING.has(v.impact)).map(line),
    others: violations.filter((v) => !BLOCKING.has(v.impact)).map(line),
  };
}
