// `npm run build-bridge -- --corpus <papers.jsonl> [--split train|all] [--out file]`: learns the Chinese-English
// term bridge (src/lang/bridge.ts) from a bilingual corpus and writes it as TSV (default: the shipped
// src/lang/bridge-zh-en.tsv). The shipped one is learned from the train split only, so `npm run eval -- --corpus`
// scores dev papers the bridge never saw.
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { BRIDGE_PATH, learnBridge } from '../src/lang/bridge.js';
import { readCorpus, splitOf } from '../src/eval/corpus.js';

const args = new Command('build-bridge')
  .description('learn the Chinese-English term bridge from a bilingual corpus (papers.jsonl)')
  .requiredOption('--corpus <papers.jsonl>', 'the corpus file (see ../shared/corpus/README.md)')
  .addOption(new Option('--split <split>', 'which papers to learn from').choices(['train', 'all']).default('train'))
  .option('--out <file>', 'where to write the TSV', BRIDGE_PATH)
  .parse()
  .opts<{ corpus: string; split: 'train' | 'all'; out: string }>();

const started = performance.now();
const records = readCorpus(args.corpus).filter((r) => args.split === 'all' || splitOf(r.arxivId) === 'train');
const bridge = learnBridge(records.map((r) => ({ en: `${r.titleEn}\n${r.abstractEn}`, zh: `${r.titleZh ?? ''}\n${r.summaryZh}` })));
const text = bridge.serialize();
writeFileSync(args.out, text);
const lines = text.split('\n').filter(Boolean);
console.log(
  `bridge ${bridge.id}: ${lines.filter((l) => l.startsWith('en\t')).length} English and ${lines.filter((l) => l.startsWith('zh\t')).length} Chinese terms ` +
    `from ${records.length} ${args.split} papers in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${args.out}`,
);
