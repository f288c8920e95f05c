// Times Hugging Face tokenizers' encodeBatch over sentences: median of 5 rounds after a warm-up, in ms on stdout.
// Usage: node bench.js TOKENIZER_SPEC_JSON SENTENCES.json (the spec as in tests/reference/tokenizers/encode.js)
'use strict';
const fs = require('fs');
const path = require('path');
const { load } = require(path.join(__dirname, '..', '..', 'tests', 'reference', 'tokenizers', 'load.js'));

async function main() {
  const spec = JSON.parse(process.argv[2]);
  const sentences = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const tokenizer = await load(spec);
  await tokenizer.encodeBatch(sentences);
  const times = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    await tokenizer.encodeBatch(sentences);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(times[2].toFixed(1));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
