#!/usr/bin/env node
// Independent reference for GptPlayground's generation engine.
//
// Greedy decoding by FULL RECOMPUTE with onnxruntime-node: at every step the decoder graph is
// run over the whole sequence so far with an EMPTY KV cache (past length 0); the argmax of the
// last position's logits (first index on ties) is appended. No KV cache is ever carried over,
// so this shares no cache logic with the engine under test.
//
// Usage:
//   node reference.js <model-folder> --prompt-ids 1,2,3 --steps 8 [--margins] [--threads N]
//   node reference.js <model-folder> --prompt-ids 1,2,3 --steps 8 --kv-cached   (diagnostic)
//   node reference.js <model-folder> --describe
//   node reference.js --self-test
//
// Prints JSON {"tokens":[...]} (generated tokens only, never stops at EOS).
// With --margins also "margins": per step, top-1 logit minus top-2 logit (near 0 = near tie).
// --kv-cached is a DIAGNOSTIC, not the reference: it decodes with the graph's own present ->
// past cache (prefill, then one token a step), to tell fp16 cache noise from an engine bug.
'use strict';

const fs = require('fs');
const path = require('path');

function usage(msg) {
  if (msg) process.stderr.write(`error: ${msg}\n`);
  process.stderr.write(
    'usage: node reference.js <model-folder> --prompt-ids 1,2,3 --steps N [--margins] [--threads N]\n' +
      '       node reference.js <model-folder> --prompt-ids 1,2,3 --steps N --kv-cached   (diagnostic)\n' +
      '       node reference.js <model-folder> --describe\n' +
      '       node reference.js --self-test\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const a = { folder: null, promptIds: null, steps: null, describe: false, margins: false, threads: 1, selfTest: false, kvCached: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${x} needs a value`);
      return argv[++i];
    };
    if (x === '--prompt-ids') {
      const s = val();
      a.promptIds = s.split(',').filter((t) => t.trim() !== '').map((t) => {
        if (!/^\s*\d+\s*$/.test(t)) usage(`bad token id '${t}'`);
        return Number(t);
      });
      if (a.promptIds.length === 0) usage('--prompt-ids is empty');
    } else if (x === '--steps') {
      a.steps = Number(val());
      if (!Number.isInteger(a.steps) || a.steps < 0) usage('--steps must be a non-negative integer');
    } else if (x === '--threads') {
      a.threads = Number(val());
      if (!Number.isInteger(a.threads) || a.threads < 0) usage('--threads must be a non-negative integer');
    } else if (x === '--describe') a.describe = true;
    else if (x === '--margins') a.margins = true;
    else if (x === '--kv-cached') a.kvCached = true;
    else if (x === '--self-test') a.selfTest = true;
    else if (x === '-h' || x === '--help') usage();
    else if (x.startsWith('--')) usage(`unknown option ${x}`);
    else if (a.folder === null) a.folder = x;
    else usage(`unexpected argument ${x}`);
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// IEEE 754 binary16 -> number (handles zero, subnormals, normals, inf, nan).
function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero / subnormal: frac * 2^-14 / 2^10
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function selfTest() {
  const cases = [
    [0x0000, 0], [0x8000, -0], [0x3c00, 1], [0xbc00, -1], [0x4000, 2], [0x3800, 0.5],
    [0x3555, 0.333251953125], [0x7bff, 65504], [0xfbff, -65504], [0x0400, 2 ** -14],
    [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x8001, -(2 ** -24)],
    [0x7c00, Infinity], [0xfc00, -Infinity], [0x4248, 3.140625],
  ];
  let bad = 0;
  for (const [h, want] of cases) {
    const got = halfToFloat(h);
    if (!Object.is(got, want)) { bad++; console.error(`halfToFloat(0x${h.toString(16)}) = ${got}, want ${want}`); }
  }
  for (const h of [0x7c01, 0x7e00, 0xfe00, 0x7fff]) {
    if (!Number.isNaN(halfToFloat(h))) { bad++; console.error(`halfToFloat(0x${h.toString(16)}) should be NaN`); }
  }
  // Cross-check against the engine-independent float32 path: every finite half must round-trip
  // exactly through Float32Array (binary16 is a subset of binary32).
  const f32 = new Float32Array(1);
  for (let h = 0; h < 0x10000; h++) {
    const v = halfToFloat(h);
    f32[0] = v;
    if (!Number.isNaN(v) && !Object.is(f32[0], v)) { bad++; console.error(`0x${h.toString(16)} not exact in f32`); break; }
  }
  const ties = argmaxLast(new Float32Array([1, 3, 3, NaN, 2]), 5);
  if (ties.index !== 1) { bad++; console.error(`argmax tie should pick index 1, got ${ties.index}`); }
  const nanFirst = argmaxLast(new Float32Array([NaN, -1, 5, 5]), 4);
  if (nanFirst.index !== 2) { bad++; console.error(`argmax with leading NaN should pick 2, got ${nanFirst.index}`); }
  console.log(bad === 0 ? 'self-test: 1 passed, 0 failed' : `self-test: 0 passed, 1 failed (${bad} problems)`);
  process.exit(bad === 0 ? 0 : 1);
}

// Argmax over the last `vocab` values of `data` (the last position). First index wins ties;
// NaN never wins. Also returns top1 - top2 margin.
function argmaxLast(data, vocab) {
  const isHalf = data instanceof Uint16Array; // float16 tensors are Uint16Array-backed in node
  const base = data.length - vocab;
  let best = -1;
  let bestV = -Infinity;
  let second = -Infinity;
  for (let i = 0; i < vocab; i++) {
    const v = isHalf ? halfToFloat(data[base + i]) : Number(data[base + i]);
    if (Number.isNaN(v)) continue;
    if (best < 0 || v > bestV) {
      if (best >= 0) second = bestV;
      best = i;
      bestV = v;
    } else if (v > second) {
      second = v;
    }
  }
  if (best < 0) throw new Error('all logits are NaN');
  return { index: best, value: bestV, margin: bestV - second };
}

// ---------------------------------------------------------------------------------------------
function readJson(file) {
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function findDecoder(folder, genai) {
  const named = genai && genai.model && genai.model.decoder && genai.model.decoder.filename;
  if (named) {
    const p = path.join(folder, named);
    if (!fs.existsSync(p)) throw new Error(`genai_config.json names decoder '${named}' but ${p} does not exist`);
    return p;
  }
  for (const n of ['model.onnx', 'decoder_model_merged.onnx', 'decoder_model.onnx']) {
    const p = path.join(folder, n);
    if (fs.existsSync(p)) return p;
  }
  for (const n of ['model.onnx', 'decoder_model_merged.onnx', 'decoder_model.onnx']) {
    const p = path.join(folder, 'onnx', n); // Optimum / transformers.js layout
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`no decoder found in ${folder} (genai_config.json model.decoder.filename, model.onnx, decoder_model_merged.onnx, decoder_model.onnx)`);
}

// Config-derived KV geometry (used only for dims the graph leaves symbolic).
function configGeometry(config, genai) {
  const g = { kvHeads: null, heads: null, headSize: null, source: [] };
  const dec = genai && genai.model && genai.model.decoder;
  if (config) {
    const heads = config.num_attention_heads ?? config.n_head ?? config.num_heads;
    const kv = config.num_key_value_heads ?? config.num_kv_heads ?? heads;
    const hidden = config.hidden_size ?? config.n_embd ?? config.d_model;
    if (kv != null) { g.kvHeads = kv; g.source.push('config.json kv heads'); }
    if (heads != null) g.heads = heads;
    if (config.head_dim != null) { g.headSize = config.head_dim; g.source.push('config.json head_dim'); }
    else if (hidden != null && heads) { g.headSize = hidden / heads; g.source.push('config.json hidden/heads'); }
  }
  if (dec) {
    if (g.kvHeads == null && dec.num_key_value_heads != null) { g.kvHeads = dec.num_key_value_heads; g.source.push('genai kv heads'); }
    if (g.heads == null && dec.num_attention_heads != null) g.heads = dec.num_attention_heads;
    if (g.kvHeads == null && dec.num_attention_heads != null) { g.kvHeads = dec.num_attention_heads; g.source.push('genai heads'); }
    if (g.headSize == null && dec.head_size != null) { g.headSize = dec.head_size; g.source.push('genai head_size'); }
    if (g.headSize == null && dec.hidden_size != null && g.heads) { g.headSize = dec.hidden_size / g.heads; g.source.push('genai hidden/heads'); }
  }
  return g;
}

function patternToRegex(pattern) {
  // genai_config style "past_key_values.%d.key" -> /^past_key_values\.(\d+)\.key$/
  const esc = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('%d', '(\\d+)');
  return new RegExp(`^${esc}$`);
}

// Classifies every graph input. Returns a plan that says how to build each feed.
function makePlan(session, folder, genai, config) {
  const meta = {};
  for (const m of session.inputMetadata) meta[m.name] = m;
  const ometa = {};
  for (const m of session.outputMetadata) ometa[m.name] = m;
  const dec = (genai && genai.model && genai.model.decoder) || {};
  const gin = dec.inputs || {};
  const gout = dec.outputs || {};
  const pastRegexes = [
    /^past_key_values\.(\d+)\.(key|value)$/,
    /^past_(\d+)$/,
  ];
  for (const k of ['past_key_names', 'past_value_names', 'past_names']) {
    if (gin[k]) pastRegexes.push(patternToRegex(gin[k]));
  }
  const idName = gin.input_ids || 'input_ids';
  const maskName = gin.attention_mask || 'attention_mask';
  const posName = gin.position_ids || 'position_ids';
  const geo = configGeometry(config, genai);
  const plan = { inputs: [], logits: null, geometry: geo };
  for (const name of session.inputNames) {
    const m = meta[name];
    if (!m || !m.isTensor) throw new Error(`input ${name} is not a tensor`);
    let kind;
    if (name === idName || name === 'input_ids') kind = 'input_ids';
    else if (name === maskName || name === 'attention_mask') kind = 'attention_mask';
    else if (name === posName || name === 'position_ids') kind = 'position_ids';
    else if (name === 'cache_position') kind = 'cache_position';
    else if (name === 'use_cache_branch') kind = 'use_cache_branch';
    else if (pastRegexes.some((r) => r.test(name)) || /^past/.test(name)) kind = 'past';
    else throw new Error(`don't know how to feed input '${name}' (${m.type} ${JSON.stringify(m.shape)})`);
    const entry = { name, kind, type: m.type, shape: m.shape };
    if (kind === 'past') entry.dims = pastDims(name, m.shape, geo);
    plan.inputs.push(entry);
  }
  if (!plan.inputs.some((e) => e.kind === 'input_ids')) throw new Error('graph has no input_ids input');
  const logitsName = gout.logits && session.outputNames.includes(gout.logits) ? gout.logits
    : session.outputNames.includes('logits') ? 'logits' : session.outputNames[0];
  // past input -> present output (only the --kv-cached diagnostic uses it).
  plan.presentFor = {};
  for (const e of plan.inputs.filter((x) => x.kind === 'past')) {
    let m;
    const cands = [];
    if ((m = /^past_key_values\.(\d+)\.(key|value)$/.exec(e.name))) cands.push(`present.${m[1]}.${m[2]}`, `present_key_values.${m[1]}.${m[2]}`);
    if ((m = /^past_(\d+)$/.exec(e.name))) cands.push(`present_${m[1]}`);
    cands.push(e.name.replace(/^past/, 'present'));
    const hit = cands.find((c) => session.outputNames.includes(c));
    if (hit) plan.presentFor[e.name] = hit;
  }
  plan.logits = { name: logitsName, type: ometa[logitsName] && ometa[logitsName].type, shape: ometa[logitsName] && ometa[logitsName].shape };
  return plan;
}

// Dims of an empty past tensor: batch 1, past length 0, other dims from the graph when fixed,
// else from the config. Layouts: [b, heads, past, head] or stacked [2, b, heads, past, head].
function pastDims(name, shape, geo) {
  if (!Array.isArray(shape)) throw new Error(`input ${name} has no shape`);
  const rank = shape.length;
  let batchAt, headsAt, pastAt, headAt;
  if (rank === 4) [batchAt, headsAt, pastAt, headAt] = [0, 1, 2, 3];
  else if (rank === 5) [batchAt, headsAt, pastAt, headAt] = [1, 2, 3, 4];
  else throw new Error(`past input ${name} has rank ${rank}; expected 4 or 5`);
  // If the graph names the sequence dim somewhere else (e.g. [b, past, heads, head]), follow it.
  const seqLike = shape.findIndex((d, i) => typeof d === 'string' && i !== batchAt && /past|seq|total|cache|length/i.test(d));
  if (seqLike >= 0 && seqLike !== pastAt) {
    if (seqLike === headsAt) headsAt = pastAt; else if (seqLike === headAt) headAt = pastAt;
    pastAt = seqLike;
  }
  const dims = new Array(rank);
  for (let i = 0; i < rank; i++) {
    const d = shape[i];
    if (i === pastAt) dims[i] = 0;
    else if (i === batchAt) dims[i] = 1;
    else if (typeof d === 'number' && d >= 0) dims[i] = d;
    else if (rank === 5 && i === 0) dims[i] = 2;
    else if (i === headsAt) {
      if (geo.kvHeads == null) throw new Error(`${name}: heads dim '${d}' is symbolic and no config gives num_key_value_heads`);
      dims[i] = geo.kvHeads;
    } else if (i === headAt) {
      if (geo.headSize == null) throw new Error(`${name}: head-size dim '${d}' is symbolic and no config gives head_dim/head_size`);
      dims[i] = geo.headSize;
    } else throw new Error(`${name}: cannot resolve dim ${i} '${d}'`);
  }
  return dims;
}

function intTensor(ort, type, values, dims) {
  if (type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
  if (type === 'int32') return new ort.Tensor('int32', Int32Array.from(values), dims);
  throw new Error(`unsupported integer input type ${type}`);
}

function emptyTensor(ort, type, dims) {
  const n = dims.reduce((a, b) => a * b, 1); // 0 for a zero-length past
  switch (type) {
    case 'float32': return new ort.Tensor('float32', new Float32Array(n), dims);
    case 'float16': return new ort.Tensor('float16', new Uint16Array(n), dims);
    default: throw new Error(`unsupported past type ${type}`);
  }
}

// Feeds for running `ids` after `pastLen` cached positions. The reference always passes
// pastLen 0 and no cache (empty past tensors); `cache` (name -> tensor) is the diagnostic path.
function buildFeeds(ort, plan, ids, pastLen = 0, cache = null) {
  const n = ids.length;
  const total = pastLen + n;
  const pos = ids.map((_, i) => pastLen + i);
  const feeds = {};
  for (const e of plan.inputs) {
    switch (e.kind) {
      case 'input_ids': feeds[e.name] = intTensor(ort, e.type, ids, [1, n]); break;
      case 'attention_mask': feeds[e.name] = intTensor(ort, e.type, new Array(total).fill(1), [1, total]); break;
      case 'position_ids': feeds[e.name] = intTensor(ort, e.type, pos, [1, n]); break;
      case 'cache_position': feeds[e.name] = intTensor(ort, e.type, pos, [n]); break;
      case 'use_cache_branch':
        if (e.type !== 'bool') throw new Error(`use_cache_branch has type ${e.type}`);
        feeds[e.name] = new ort.Tensor('bool', new Uint8Array([cache ? 1 : 0]), [1]);
        break;
      case 'past': feeds[e.name] = cache ? cache[e.name] : emptyTensor(ort, e.type, e.dims); break;
      default: throw new Error(`internal: kind ${e.kind}`);
    }
  }
  return feeds;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.selfTest) return selfTest();
  if (!args.folder) usage('model folder required');
  if (!args.describe && (args.promptIds === null || args.steps === null)) usage('--prompt-ids and --steps are required');
  const ort = require('onnxruntime-node');
  const folder = path.resolve(args.folder);
  const genai = readJson(path.join(folder, 'genai_config.json'));
  const config = readJson(path.join(folder, 'config.json'));
  const decoder = findDecoder(folder, genai);
  const session = await ort.InferenceSession.create(decoder, {
    executionProviders: ['cpu'],
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
  });
  const plan = makePlan(session, folder, genai, config);
  if (args.describe) {
    console.log(JSON.stringify({
      onnxruntime: ort.env.versions,
      decoder: path.relative(process.cwd(), decoder),
      inputs: session.inputMetadata,
      outputs: session.outputMetadata,
      plan: plan.inputs.map((e) => ({ name: e.name, kind: e.kind, type: e.type, ...(e.dims ? { feedDims: e.dims } : {}) })),
      logits: plan.logits,
      configGeometry: plan.geometry,
    }, null, 2));
    return;
  }
  const vocabDim = plan.logits.shape && plan.logits.shape[plan.logits.shape.length - 1];
  const seq = args.promptIds.slice();
  const tokens = [];
  const margins = [];
  const pastInputs = plan.inputs.filter((e) => e.kind === 'past');
  if (args.kvCached && pastInputs.some((e) => !plan.presentFor[e.name])) throw new Error('--kv-cached: cannot pair every past input with a present output');
  let cache = null;
  let pastLen = 0;
  for (let step = 0; step < args.steps; step++) {
    let feeds, out;
    if (!args.kvCached) {
      // THE REFERENCE: whole sequence, empty past, every step.
      feeds = buildFeeds(ort, plan, seq);
      out = await session.run(feeds, [plan.logits.name]);
    } else {
      const ids = cache ? seq.slice(pastLen) : seq.slice();
      feeds = buildFeeds(ort, plan, ids, cache ? pastLen : 0, cache);
      out = await session.run(feeds, [plan.logits.name, ...pastInputs.map((e) => plan.presentFor[e.name])]);
      if (cache) for (const t of Object.values(cache)) if (typeof t.dispose === 'function') t.dispose();
      cache = {};
      for (const e of pastInputs) cache[e.name] = out[plan.presentFor[e.name]];
      pastLen = seq.length;
      for (const [k, t] of Object.entries(feeds)) if (!pastInputs.some((e) => e.name === k) && typeof t.dispose === 'function') t.dispose();
      feeds = {};
    }
    const logits = out[plan.logits.name];
    const dims = logits.dims;
    const vocab = dims[dims.length - 1];
    if (typeof vocabDim === 'number' && vocab !== vocabDim) throw new Error(`logits vocab ${vocab} != metadata ${vocabDim}`);
    if (logits.type !== 'float32' && logits.type !== 'float16') throw new Error(`unsupported logits type ${logits.type}`);
    let data = logits.data;
    // Newer runtimes may hand out a real Float16Array; normalise to raw half bits or numbers.
    if (logits.type === 'float16' && !(data instanceof Uint16Array)) data = Float32Array.from(data);
    const r = argmaxLast(data, vocab);
    tokens.push(r.index);
    margins.push(r.margin);
    seq.push(r.index);
    for (const t of Object.values(feeds)) if (typeof t.dispose === 'function') t.dispose();
    if (typeof logits.dispose === 'function') logits.dispose();
  }
  const result = { tokens };
  if (args.margins) result.margins = margins.map((m) => Number(m.toPrecision(6)));
  console.log(JSON.stringify(result));
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`reference.js: ${process.env.DEBUG ? (e && e.stack) || e : (e && e.message) || e}\n`);
    process.exit(1);
  });
} else {
  module.exports = { halfToFloat, argmaxLast, findDecoder, makePlan, buildFeeds, readJson };
}
