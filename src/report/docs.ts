// Rule documentation rendered from each rule's `meta.docs`, the one source:
// SARIF `help`, `golint-leaks explain`, and docs/rules/<id>.md all come from here.
import type { RuleMeta } from '../engine/rule.js';

export const HOMEPAGE = 'https://github.com/golint-leaks/golint-leaks';

export function helpUri(id: string): string {
  return `${HOMEPAGE}/blob/main/docs/rules/${id}.md`;
}

export function ruleHelpText(m: RuleMeta): string {
  const d = m.docs;
  const parts = [
    `${m.id}: ${m.short}`,
    '',
    'What it finds',
    indent(d.whatItFinds),
    '',
    'Why it leaks',
    indent(d.whyItLeaks),
    '',
    'Example (reported)',
    indent(d.example),
    '',
    'Fix',
    indent(d.fix),
  ];
  if (d.options) parts.push('', 'Options', indent(d.options));
  if (d.incident) parts.push('', 'Where it comes from', indent(d.incident));
  parts.push('', `Default severity: ${m.severity}${m.enabledByDefault === false ? ' (off by default: enable it in the config or with --rules)' : ''}. Suppress one finding with //nolint:${m.id} // reason.`);
  return parts.join('\n');
}

export function ruleHelpMarkdown(m: RuleMeta): string {
  const d = m.docs;
  const parts = [
    `# ${m.id}`,
    '',
    `${m.full}`,
    '',
    `Default severity: **${m.severity}**${m.enabledByDefault === false ? ' (off by default: enable it in the config or with `--rules`)' : ''} · precision: ${m.precision} · autofix: ${m.fixable ? 'yes' : 'no'}`,
    '',
    '## What it finds',
    '',
    d.whatItFinds,
    '',
    '## Why it leaks',
    '',
    d.whyItLeaks,
    '',
    '## Example',
    '',
    '```go',
    d.example,
    '```',
    '',
    '## Fix',
    '',
    '```go',
    d.fix,
    '```',
  ];
  if (d.options) parts.push('', '## Options', '', d.options);
  if (d.incident) parts.push('', '## Where it comes from', '', d.incident);
  parts.push('', '## Suppressing', '', `\`//nolint:${m.id} // reason\` on the finding's line or on the first line of its statement; \`//lint:ignore ${m.id} reason\` on the line above.`);
  return parts.join('\n') + '\n';
}

function indent(s: string): string {
  return s.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
}
