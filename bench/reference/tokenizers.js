// Hugging Face tokenizers (Rust, npm) on the sentences CxrVL's tokenizer benchmark wrote: encodeBatch over all
// sentences (Rust threads on every core) and encode one sentence at a time. Sentences per second, median of 5
// rounds after a warm-up round, in the format of bench/CxrVL.Bench.
// Usage: node bench/reference/tokenizers.js INPUT.json (written by `CxrVL.Bench tokenizers --reference-input`)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { load } = require(path.join(__dirname, '..', '..', 'tests', 'reference', 'tokenizers', 'load.js'));

async function median(action) {
  await action();
  const times = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    await action();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  return times[2];
}

async function main() {
  const { sentences, tokenizers } = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const version = require(path.join(__dirname, '..', '..', 'tests', 'reference', 'tokenizers', 'node_modules', 'tokenizers', 'package.json')).version;
  console.log(`# Hugging Face tokenizers ${version} (npm), ${sentences.length} IU sentences, ${os.cpus().length} cores`);
  for (const [name, spec] of Object.entries(tokenizers)) {
    const tokenizer = await load(spec);
    const single = await median(async () => {
      for (const sentence of sentences) await tokenizer.encode(sentence);
    });
    const batch = await median(() => tokenizer.encodeBatch(sentences));
    console.log(`${name}_encode ${(sentences.length / single).toFixed(0)}`);
    console.log(`${name}_batch ${(sentences.length / batch).toFixed(0)}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
