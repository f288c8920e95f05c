// How the reference builds a tokenizer from a request entry, shared with bench/tokenizers/bench.js.
// A tokenizer from a vocab.txt is built as transformers' BertTokenizerFast builds it: BertNormalizer (accents
// stripped only when lower-casing), BertPreTokenizer, WordPiece (##, 100 chars), [CLS] $A [SEP], the five BERT
// special tokens as non-normalised added tokens.
'use strict';
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

module.exports = { load };
