// Reference encodings from Hugging Face `tokenizers` for the C# tokenizer parity tests.
// Usage: node encode.js REQUEST.json RESPONSE.json
// REQUEST: { "tokenizers": [ { "name", "vocab": PATH, "lowercase": bool } | { "name", "json": PATH } ],
//            "runs": [ { "tokenizer": NAME, "texts": [..], "maxLength": N|null, "padTo": N|null } ] }
// RESPONSE: { "runs": [ { "ids": [[..]], "typeIds", "attentionMask", "wordIds" (null -> -1), "offsets": [[[s,e]..]] } ] }
// Tokenizers are built by load.js.
'use strict';
const fs = require('fs');
const { load } = require('./load');

async function main() {
  const [requestPath, responsePath] = process.argv.slice(2);
  const request = JSON.parse(fs.readFileSync(requestPath, 'utf8'));
  const specs = new Map(request.tokenizers.map((t) => [t.name, t]));
  const runs = [];
  for (const run of request.runs) {
    const tokenizer = await load(specs.get(run.tokenizer));
    if (run.maxLength) tokenizer.setTruncation(run.maxLength);
    else tokenizer.disableTruncation();
    if (run.padTo) tokenizer.setPadding({ maxLength: run.padTo, padId: tokenizer.tokenToId('[PAD]'), padToken: '[PAD]' });
    else tokenizer.disablePadding();
    const encodings = await tokenizer.encodeBatch(run.texts);
    runs.push({
      ids: encodings.map((e) => e.getIds()),
      typeIds: encodings.map((e) => e.getTypeIds()),
      attentionMask: encodings.map((e) => e.getAttentionMask()),
      wordIds: encodings.map((e) => e.getWordIds().map((w) => (w === null || w === undefined ? -1 : w))),
      offsets: encodings.map((e) => e.getOffsets()),
    });
  }
  fs.writeFileSync(responsePath, JSON.stringify({ runs }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
