// `npm run build-bridge -- --corpus <papers.jsonl> [--split train|all] [--out file]`: counts the aligned pairs of a
// bilingual corpus for the Chinese-English term bridge (src/lang/bridge.ts) and writes the counts as TSV (default:
// the shipped src/lang/bridge-zh-en.counts.tsv). The shipped bridge is learned from them, and an index build refits
// one from them plus the catalogue's own bilingual papers. The shipped counts come from the train split only, so
// `npm run eval -- --corpus` scores dev papers the base never saw.
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { BRIDGE_COUNTS_PATH, countBridge, learnBridge, serializeCounts } from '../src/lang/bridge.js';
import { readCorpus, splitOf } from '../src/eval/corpus.js';

const args = new Command('build-bridge')
  .description('count a bilingual corpus (papers.jsonl) for the Chinese-English term bridge')
  .requiredOption('--corpus <papers.jsonl>', 'the corpus file (see ../shared/corpus/README.md)')
  .addOption(new Option('--split <split>', 'which papers to learn from').choices(['train', 'all']).default('train'))
  .option('--out <file>', 'where to write the counts TSV', BRIDGE_COUNTS_PATH)
  .parse()
  .opts<{ corpus: string; split: 'train' | 'all'; out: string }>();

const started = performance.now();
const records = readCorpus(args.corpus).filter((r) => args.split === 'all' || splitOf(r.arxivId) === 'train');
const counts = countBridge(records.map((r) => ({ en: `${r.titleEn}\n${r.abstractEn}`, zh: `${r.titleZh ?? ''}\n${r.summaryZh}` })));
writeFileSync(args.out, serializeCounts(counts));
const lines = learnBridge([], { base: counts }).serialize().split('\n').filter(Boolean);
const together = [...counts.together.values()].reduce((n, list) => n + list.length, 0);
console.log(
  `bridge counts from ${records.length} ${args.split} papers: ${counts.en.size} English and ${counts.zh.size} Chinese terms, ${together} co-occurrences; ` +
    `${lines.filter((l) => l.startsWith('en\t')).length} English and ${lines.filter((l) => l.startsWith('zh\t')).length} Chinese terms translated ` +
    `in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${args.out}`,
);
