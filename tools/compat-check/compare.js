#!/usr/bin/env node
// Compares the engine's greedy tokens with reference.js's. Used by check.sh.
//   node compare.js <label> <engine.json> <sequence-index> <reference.json> <steps>
// Prints one line (MATCH / MISMATCH / ERROR ...) and exits 0 on MATCH, 1 otherwise.
'use strict';
const fs = require('fs');

const [label, engineFile, seqIndex, refFile, stepsArg] = process.argv.slice(2);
const steps = Number(stepsArg);
const list = (a) => `[${a.join(',')}]`;

function fail(kind, msg) {
  console.log(`${kind} ${label} ${msg}`);
  process.exit(1);
}

let ref;
try {
  ref = JSON.parse(fs.readFileSync(refFile, 'utf8'));
} catch (e) {
  fail('ERROR', `reference output unreadable: ${e.message}`);
}
let eng;
try {
  // The engine prints one JSON document (indented). Tolerate log lines before it.
  const text = fs.readFileSync(engineFile, 'utf8');
  const start = text.indexOf('{');
  if (start < 0) throw new Error('no JSON object in the engine output');
  eng = JSON.parse(text.slice(start));
} catch (e) {
  fail('ERROR', `engine output unreadable: ${e.message}`);
}
const seq = eng.sequences && eng.sequences[Number(seqIndex)];
if (!seq || !Array.isArray(seq.tokens)) fail('ERROR', `engine JSON has no sequences[${seqIndex}].tokens`);
const e = seq.tokens;
const r = ref.tokens;
const finish = seq.finish_reason ?? seq.finishReason ?? '?';
const both = `engine=${list(e)} reference=${list(r)} (engine finish: ${finish})`;

let diff = -1;
for (let i = 0; i < Math.min(e.length, r.length); i++) if (e[i] !== r[i]) { diff = i; break; }
if (diff >= 0) {
  const m = ref.margins && ref.margins[diff];
  const note = m !== undefined ? `; reference top1-top2 logit margin at step ${diff}: ${m}` : '';
  fail('MISMATCH', `first difference at step ${diff}: ${both}${note}`);
}
if (e.length > r.length) fail('MISMATCH', `engine produced more tokens than asked (${e.length} > ${steps}): ${both}`);
if (e.length < r.length) {
  // The engine stops at EOS (EOS included) or when the context is full; the reference never stops.
  if (finish === 'eos' || finish === 'context') {
    console.log(`MATCH ${label} common prefix of ${e.length}/${steps} (engine stopped: ${finish}): ${both}`);
    process.exit(0);
  }
  fail('MISMATCH', `engine stopped early after ${e.length}/${steps} tokens without eos/context: ${both}`);
}
console.log(`MATCH ${label} ${both}`);
