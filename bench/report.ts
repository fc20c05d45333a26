// Regenerate docs/benchmarks.md and docs/benchmarks.svg from bench/results/latest.json
// without measuring again (after editing bench/analysis.md):
//   node --import=tsx bench/report.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cleanupScratch } from './lib/proc.js';
import { writeDocs, type RunDoc } from './lib/report.js';

const doc = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'latest.json'), 'utf8')) as RunDoc;
writeDocs(doc);
cleanupScratch();
console.log('wrote docs/benchmarks.md and docs/benchmarks.svg');
