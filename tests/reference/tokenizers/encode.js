// Reference encodings from Hugging Face `tokenizers` for the C# tokenizer parity tests.
// Usage: node encode.js REQUEST.json RESPONSE.json
// REQUEST: { "tokenizers": [ { "name", "vocab": PATH, "lowercase": bool } | { "name", "json": PATH } ],
//            "runs": [ { "tokenizer": NAME, "texts": [..], "maxLength": N|null, "padTo": N|null } ] }
// RESPONSE: { "runs": [ { "ids": [[..]], "typeIds", "attentionMask", "wordIds" (null -> -1), "offsets": [[[s,e]..]] } ] }
// A tokenizer from a vocab.txt is built as transformers' BertTokenizerFast builds it: BertNormalizer (accents
// stripped only when lower-casing), BertPreTokenizer, WordPiece (##, 100 chars), [CLS] $A [SEP], the five BERT
// special tokens as non-normalised added tokens.
'use strict';
const fs = require('fs');
const { Tokenizer, WordPiece, bertNormalizer, bertPreTokenizer, bertProcessing } = require('tokenizers');

async function load(spec) {
  if (spec.json) return Tokenizer.fromFile(spec.json);
  const model = await WordPiece.fromFile(spec.vocab, { unkToken: '[UNK]', continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 });
  const tokenizer = new Tokenizer(model);
  tokenizer.setNormalizer(bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: spec.lowercase, lowercase: spec.lowercase }));
  tokenizer.setPreTokenizer(bertPreTokenizer());
  tokenizer.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  tokenizer.setPostProcessor(bertProcessing(['[SEP]', tokenizer.tokenToId('[SEP]')], ['[CLS]', tokenizer.tokenToId('[CLS]')]));
  return tokenizer;
}

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
