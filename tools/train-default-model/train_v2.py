#!/usr/bin/python3
"""playground-mini v2: stories, dialogues and TL;DR summaries (stories.py) mixed with v1's tasks and prose.

  /usr/bin/python3 tools/train-default-model/train_v2.py --work ~/.cache/gptplayground/train-v2 --out <model dir>

Stages (each skipped when its output exists in --work, so rerunning resumes):
  data     heldout.json (eval items, never trained on), tokenizer.json (byte-level BPE on the v2 mix),
           data.npy (packed rows of ctx+1 tokens), val.npy (held-out rows for a validation loss)
  train    one warm-up + cosine schedule; ckpt.pt every --ckpt-every steps; resumes from it. Batches are a
           function of (seed, step), so a resumed run sees the same batches as an uninterrupted one.
  export   model.onnx in the Optimum layout with KV cache and the tokenizer/config files (train.export)
  sample   greedy / sampled continuations, TL;DRs and dialogue turns of held-out items (torch, from ckpt.pt)
  eval     eval_v2.py on the exported model through the app's CLI (builds the app): <out>/eval.json and the table in
           <out>/README.md (issue 18's targets); `all` runs it after export and sample once training is complete
Every stage appends a record to <work>/training_log.json ("phases"), which export copies into the model folder.
The model code, export and tokenizer are v1's (train.py, bpe.py); only the data, sizes and schedule are new.
"""
import argparse
import shutil
import json
import math
import os
import random
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bpe  # noqa: E402
import stories  # noqa: E402
import tasks  # noqa: E402
import train as v1  # noqa: E402  (model, export, prose, special tokens)

EOT, END = v1.EOT, v1.END
# Token shares of the training mix (measured on the packed rows and logged): 58% story text, 32% tasks, 10% prose.
MIX = {"story": 0.30, "tldr": 0.13, "dialogue": 0.10, "chat": 0.05, "task": 0.32, "prose": 0.10}
log = v1.log


# ---------------------------------------------------------------- run log

def log_path(args):
    return os.path.join(args.work, "training_log.json")


def record(args, phase, **info):
    """Appends one phase record (data, tokenizer, train segment, export, sample) to <work>/training_log.json."""
    path = log_path(args)
    j = json.load(open(path)) if os.path.exists(path) else {"phases": []}
    j["phases"].append({"phase": phase, "time": time.strftime("%Y-%m-%d %H:%M:%S"), **info})
    j["config"] = {k: v for k, v in vars(args).items()}
    tmp = path + ".tmp"
    json.dump(j, open(tmp, "w"), indent=1)
    os.replace(tmp, path)


# ---------------------------------------------------------------- data

class Mix:
    """Draws training documents so that each kind's share of the *tokens* follows MIX. The next kind is drawn
    with weights proportional to how far each kind is below its target share (deficit sampling), so the
    shares converge whatever the kinds' document lengths are."""

    def __init__(self, args, tok, exclude, exclude_texts):
        self.rng = random.Random(args.seed + 1)
        self.gen = stories.Generator(args.seed + 2, exclude, exclude_texts)
        self.items = tasks.task_items(args.seed)
        self.tok = tok
        self.ctx = args.ctx
        prose = v1.prose_docs()
        if not prose:
            raise SystemExit("no public-domain prose found: apt-get install -y fortunes dict-devil dict-jargon (README)")
        random.Random(args.seed + 3).shuffle(prose)
        self.prose = prose
        self.pi = 0
        self.counts = {k: 1.0 for k in MIX}

    def text(self, kind):
        if kind == "task":
            return tasks.task_doc_v2(self.rng, self.items)
        if kind == "prose":
            self.pi += 1
            return self.prose[(self.pi - 1) % len(self.prose)]
        return getattr(self.gen, kind)()

    def next_ids(self):
        total = sum(self.counts.values())
        kinds = list(MIX)
        weights = [max(MIX[k] * total - self.counts[k], 0.0) + 1e-3 * total for k in kinds]
        kind = self.rng.choices(kinds, weights=weights)[0]
        ids = self.tok.encode(self.text(kind))
        if kind == "prose" and len(ids) > self.ctx:          # long paragraphs: a random window of half a row
            s = self.rng.randrange(0, len(ids) - self.ctx // 2)
            ids = ids[s:s + self.ctx // 2]
        self.counts[kind] += len(ids) + 1
        return ids


def pack_rows(next_ids, n_rows, T, eot):
    """Rows of T tokens, each starting with <|endoftext|> (the BOS the app prepends), documents separated by
    <|endoftext|>; the last document of a row is cut at the row's end."""
    rows = []
    for r in range(n_rows):
        row = [eot]
        while len(row) < T:
            row.extend(next_ids())
            row.append(eot)
        rows.append(row[:T])
        if (r + 1) % 5000 == 0:
            log(f"rows {r + 1}/{n_rows}")
    return np.array(rows, dtype=np.int16)


def tokenizer_counts(args, exclude, exclude_texts):
    """Pre-token counts for BPE training: documents drawn in the training mix's proportions (by a separate
    seed) plus every task-table word, so all of them get compact tokens."""
    gen = stories.Generator(args.seed + 5, exclude, exclude_texts)
    rng = random.Random(args.seed + 6)
    items = tasks.task_items(args.seed)
    prose = v1.prose_docs()
    docs = [gen.story() for _ in range(args.bpe_docs)] + [gen.tldr() for _ in range(args.bpe_docs // 3)] + \
           [gen.dialogue() for _ in range(args.bpe_docs // 3)] + [gen.chat() for _ in range(args.bpe_docs // 8)] + \
           [tasks.task_doc_v2(rng, items) for _ in range(args.bpe_docs * 3)] + rng.sample(prose, min(len(prose), args.bpe_docs))
    counts = {}
    for d in docs:
        for part in v1.re.split("|".join(v1.re.escape(s) for s in v1.SPECIALS), d):
            for w in bpe.pretokenize(part):
                counts[w] = counts.get(w, 0) + 1
    for task in tasks.TASKS:
        for x, y in items[task][0] + items[task][1]:
            for w in bpe.pretokenize(f" {x} {y}"):
                counts[w] = counts.get(w, 0) + 5
    return counts


def heldout_docs(ho):
    """Held-out documents for the validation loss: stories with their TL;DR and whole dialogues."""
    docs = [f"{s['story']}\n\nTL;DR: {s['tldr']}" for s in ho["stories"]]
    return docs + [d["full"] for d in ho["dialogues"]]


def build_data(args):
    os.makedirs(args.work, exist_ok=True)
    t0 = time.time()
    # Held-out eval items first: their plan keys and dialogue texts are excluded from everything below.
    ho, keys, texts = stories.heldout(args.seed + 7, args.heldout_stories, args.heldout_dialogues)
    json.dump(ho, open(os.path.join(args.work, "heldout.json"), "w"), indent=1)
    tok_path = os.path.join(args.work, "tokenizer.json")
    if not os.path.exists(tok_path):
        counts = tokenizer_counts(args, keys, texts)
        tok = bpe.build(counts, args.vocab, v1.SPECIALS)
        json.dump(tok.hf_json(), open(tok_path, "w"), ensure_ascii=False)
        log(f"tokenizer: {len(tok.vocab)} tokens ({len(tok.merges)} merges) in {time.time() - t0:.0f}s")
        record(args, "tokenizer", vocab=len(tok.vocab), merges=len(tok.merges), seconds=round(time.time() - t0))
    tok = bpe.load(tok_path)
    eot = tok.specials[EOT]
    t1 = time.time()
    mix = Mix(args, tok, keys, texts)
    data = pack_rows(mix.next_ids, args.rows, args.ctx + 1, eot)
    np.save(os.path.join(args.work, "data.npy"), data)
    total = sum(mix.counts.values())
    shares = {k: round(v / total, 3) for k, v in mix.counts.items()}
    log(f"data: {data.shape[0]} rows x {data.shape[1]} = {data.size / 1e6:.1f} M tokens in {time.time() - t1:.0f}s; shares {shares}")
    # Validation rows: held-out stories/dialogues only (never in data.npy).
    docs = iter(heldout_docs(ho) * 4)
    val = pack_rows(lambda: tok.encode(next(docs)), args.val_rows, args.ctx + 1, eot)
    np.save(os.path.join(args.work, "val.npy"), val)
    record(args, "data", rows=int(data.shape[0]), row_tokens=int(data.shape[1]), tokens=int(data.size),
           token_shares=shares, val_rows=int(val.shape[0]), heldout_stories=len(ho["stories"]),
           heldout_dialogues=len(ho["dialogues"]), seconds=round(time.time() - t0))


# ---------------------------------------------------------------- train

def lr_at(step, args):
    """Linear warm-up to --lr, then cosine decay to --min-lr at --steps."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    p = min(1.0, (step - args.warmup) / max(1, args.steps - args.warmup))
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1 + math.cos(math.pi * p))


def make_model(args, vocab):
    return v1.GPT(vocab, args.ctx, args.n_layer, args.n_head, args.n_embd)


def val_loss(model, val):
    model.eval()
    with torch.no_grad():
        losses = []
        for i in range(0, val.shape[0], 8):
            xb = val[i:i + 8]
            logits = model(xb[:, :-1])
            losses.append(F.cross_entropy(logits.reshape(-1, logits.size(-1)), xb[:, 1:].reshape(-1)).item())
    model.train()
    return sum(losses) / len(losses)


def save_ckpt(path, model, opt, state):
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), **state}, path + ".tmp")
    os.replace(path + ".tmp", path)      # atomic: an interrupted save never corrupts the last checkpoint


def load_exported(model, folder):
    """Loads an exported model.onnx (this script's export: named LayerNorm/bias/embedding initializers, and per block
    the transposed qkv, proj, fc, out weights as onnx::MatMul_N in that order, then the tied lm head) into `model`."""
    import onnx
    from onnx import numpy_helper
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(os.path.join(folder, "model.onnx")).graph.initializer}
    state = model.state_dict()
    named = {k[2:]: v for k, v in inits.items() if k.startswith("g.")}
    matmuls = [inits[k] for k in sorted((k for k in inits if k.startswith("onnx::MatMul_")), key=lambda k: int(k.rsplit("_", 1)[1]))]
    for i in range(len(model.blocks)):
        for j, part in enumerate(("qkv", "proj", "fc", "out")):
            named[f"blocks.{i}.{part}.weight"] = matmuls[4 * i + j].T
    missing = [k for k in state if k not in named]
    if missing:
        raise SystemExit(f"--init-from {folder}: model.onnx lacks {missing[:4]}: not an export of this architecture")
    model.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(named[k])).to(state[k].dtype) for k in state})


def train(args):
    data = torch.from_numpy(np.load(os.path.join(args.work, "data.npy")).astype(np.int64))
    val = torch.from_numpy(np.load(os.path.join(args.work, "val.npy")).astype(np.int64))
    vocab = len(json.load(open(os.path.join(args.work, "tokenizer.json")))["model"]["vocab"])
    torch.manual_seed(args.seed)
    model = make_model(args, vocab)
    n_params = sum(p.numel() for p in model.parameters())
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    ckpt_path = os.path.join(args.work, "ckpt.pt")
    st = {"step": 0, "seen": 0, "hist": [], "val": [], "wall": 0.0}
    rewarm = None            # after --init-from: AdamW's moments are new, so the rate ramps up again over 50 steps
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        st = {k: ck.get(k, v) for k, v in st.items()}
        log(f"resumed at step {st['step']} from {ckpt_path}")
    elif args.init_from and args.init_from.endswith(".pt"):
        # a resume file (--stage resume-file): the weights and the run's state, without the optimizer's moments
        ck = torch.load(args.init_from)
        model.load_state_dict({k: v.float() for k, v in ck["model"].items()})
        st = {k: ck.get(k, v) for k, v in st.items()}
        check = val_loss(model, val)
        log(f"initialised from {args.init_from} at step {st['step']} (val loss {check:.3f}; logged {st['val'][-1] if st['val'] else None})")
        record(args, "init-from", file=os.path.abspath(args.init_from), step=st["step"], val_loss=round(check, 4),
               note="weights from a resume file; optimizer moments reset, learning rate ramped up over 50 steps")
        rewarm = st["step"]
    elif args.init_from:
        # no checkpoint (the work folder was lost): continue from an exported model at the step its training log names;
        # the weights are exact, AdamW's moments start from zero again (recorded as a phase)
        load_exported(model, args.init_from)
        tl = json.load(open(os.path.join(args.init_from, "training_log.json")))
        st = {"step": tl["step"], "seen": tl["tokens_seen"], "hist": [tuple(h) for h in tl["loss_history"]],
              "val": [tuple(v) for v in tl.get("val_history", [])], "wall": float(tl.get("train_seconds", 0))}
        check = val_loss(model, val)
        log(f"initialised from {args.init_from} at step {st['step']} (val loss {check:.3f}; logged {st['val'][-1] if st['val'] else None})")
        record(args, "init-from", folder=os.path.abspath(args.init_from), step=st["step"], val_loss=round(check, 4),
               note="weights from the exported model; optimizer moments reset, learning rate ramped up over 50 steps")
        rewarm = st["step"]
    start_step = st["step"]
    last = min(args.steps, args.stop_at) if args.stop_at else args.steps
    log(f"model: {n_params / 1e6:.2f} M parameters ({args.n_layer} layers, {args.n_head} heads, width {args.n_embd}, "
        f"ctx {args.ctx}, vocab {vocab}); data {tuple(data.shape)}; steps {args.steps} x batch {args.batch}; threads {torch.get_num_threads()}")
    gen = torch.Generator()
    ema, t_last, seg_t0, stopped = None, time.time(), time.time(), False
    model.train()
    while st["step"] < last:
        if args.stop_file and os.path.exists(args.stop_file):
            log("stop file found: stopping at the next checkpoint")
            stopped = True
            break
        step = st["step"]
        gen.manual_seed(args.seed * 1000003 + step)          # the batch is a function of (seed, step)
        xb = data[torch.randint(0, data.shape[0], (args.batch,), generator=gen)]
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args) * (min(1.0, (step - rewarm + 1) / 50) if rewarm is not None else 1.0)
        logits = model(xb[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), xb[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        st["step"] += 1
        st["seen"] += xb[:, :-1].numel()
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        step = st["step"]
        if step % args.log_every == 0 or step == last:
            now = time.time()
            st["wall"] += now - t_last
            t_last = now
            st["hist"].append((step, round(ema, 4)))
            seg_tps = (step - start_step) * args.batch * args.ctx / max(now - seg_t0, 1e-9)
            log(f"step {step}/{args.steps} loss {ema:.3f} lr {lr_at(step, args):.2e} seen {st['seen'] / 1e6:.2f}M tok "
                f"{seg_tps:.0f} tok/s ({3600 * seg_tps / (args.batch * args.ctx):.0f} steps/h)")
        if step % args.val_every == 0 or step == last:
            st["val"].append((step, round(val_loss(model, val), 4)))
            log(f"step {step} val loss {st['val'][-1][1]:.3f}")
        if step % args.ckpt_every == 0 or step == last:
            save_ckpt(ckpt_path, model, opt, st)
    if st["step"] == start_step:
        return st["step"] >= args.steps               # nothing to do (already trained, or stopped at once)
    save_ckpt(ckpt_path, model, opt, st)
    secs = time.time() - seg_t0
    tps = (st["step"] - start_step) * args.batch * args.ctx / max(secs, 1e-9)
    record(args, "train", from_step=start_step, to_step=st["step"], of_steps=args.steps, stopped_early=stopped,
           seconds=round(secs), tokens_per_s=round(tps), threads=torch.get_num_threads(), parameters=n_params,
           loss=ema, val=st["val"][-1] if st["val"] else None)
    log(f"training segment done: steps {start_step}-{st['step']}, {tps:.0f} tok/s, loss {ema}")
    return st["step"] >= args.steps


# ---------------------------------------------------------------- export and samples

def resume_file(args):
    """Writes <ckpt.pt>'s weights and run state, without AdamW's moments (two thirds of the checkpoint), to
    --resume-out: small enough to commit (17 MB for 4.27 M parameters), so a run survives the loss of its work folder
    between sessions (`--init-from FILE.pt`), the tokenizer and the work folder's phase log beside it."""
    ck = torch.load(os.path.join(args.work, "ckpt.pt"))
    out = args.resume_out
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    torch.save({"model": ck["model"], **{k: ck[k] for k in ("step", "seen", "hist", "val", "wall") if k in ck}}, out + ".tmp")
    os.replace(out + ".tmp", out)
    folder = os.path.dirname(os.path.abspath(out))
    shutil.copyfile(os.path.join(args.work, "tokenizer.json"), os.path.join(folder, "tokenizer.json"))
    shutil.copyfile(log_path(args), os.path.join(folder, "training_log.json"))
    log(f"resume file {out}: step {ck['step']}, {os.path.getsize(out) / 1e6:.1f} MB")


def export(args):
    """v1's export (Optimum layout, KV cache, tokenizer/config files), then the phase log into the model folder."""
    args.ckpt = os.path.join(args.work, "ckpt.pt")
    args.phase2_to = 0
    v1.export(args)
    record(args, "export", out=os.path.abspath(args.out),
           onnx_mb=round(os.path.getsize(os.path.join(args.out, "model.onnx")) / 1e6, 2))
    tl = os.path.join(args.out, "training_log.json")
    j = json.load(open(tl))
    j["phases"] = json.load(open(log_path(args)))["phases"]
    j["val_history"] = torch.load(args.ckpt)["val"]
    json.dump(j, open(tl, "w"), indent=1)


def generate(model, tok, prompt, n, temperature=0.0, top_p=0.95, seed=0):
    """Full-recompute sampling in torch (greedy when temperature is 0); stops at <|endoftext|> or <|end|>."""
    g = torch.Generator().manual_seed(seed)
    ids = [tok.specials[EOT]] + tok.encode(prompt)
    start = len(ids)
    with torch.no_grad():
        for _ in range(n):
            logits = model(torch.tensor([ids[-model.ctx:]]))[0, -1]
            if temperature <= 0:
                nxt = int(logits.argmax())
            else:
                probs = F.softmax(logits / temperature, -1)
                sp, si = probs.sort(descending=True)
                keep = (sp.cumsum(0) - sp) < top_p          # nucleus: the smallest set with mass >= top_p
                sp = sp * keep
                nxt = int(si[torch.multinomial(sp / sp.sum(), 1, generator=g)])
            if nxt in (tok.specials[EOT], tok.specials[END]):
                break
            ids.append(nxt)
    return tok.decode(ids[start:])


def sample(args, n=2):
    tok = bpe.load(os.path.join(args.work, "tokenizer.json"))
    model = make_model(args, len(tok.vocab))
    model.load_state_dict(torch.load(os.path.join(args.work, "ckpt.pt"))["model"])
    model.eval()
    ho = json.load(open(os.path.join(args.work, "heldout.json")))
    out = []
    for s in ho["stories"][:n]:
        out.append(("story (greedy)", s["opening"], generate(model, tok, s["opening"], args.sample_tokens)))
        out.append(("story (t=0.8, top-p 0.95)", s["opening"], generate(model, tok, s["opening"], args.sample_tokens, 0.8)))
    for s in ho["stories"][n:2 * n]:
        prompt = f"{s['story']}\n\nTL;DR:"
        out.append(("TL;DR (expected: " + s["tldr"] + ")", "<story>\n\nTL;DR:", generate(model, tok, prompt, 60)))
    for d in ho["dialogues"][:n]:
        out.append((f"dialogue (next: {d['next_speaker']})", d["prompt"], generate(model, tok, d["prompt"], 40)))
    for what, prompt, text in out:
        print(f"--- {what}\n{prompt}|{text}\n")
    return out


def run_eval(args):
    """eval_v2.py on --out (held-out items from --work), then a phase record with the targets passed."""
    t0 = time.time()
    r = subprocess.run([sys.executable, os.path.join(HERE, "eval_v2.py"), "--model", args.out, "--work", args.work])
    ev = os.path.join(args.out, "eval.json")
    passed = json.load(open(ev))["passed"] if r.returncode == 0 and os.path.exists(ev) else None
    record(args, "eval", out=os.path.abspath(args.out), returncode=r.returncode, targets_passed=passed,
           seconds=round(time.time() - t0))
    if r.returncode != 0:
        raise SystemExit(f"eval_v2.py failed ({r.returncode})")


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=os.path.expanduser("~/.cache/gptplayground/train-v2"))
    ap.add_argument("--out", default=None, help="model folder (default: <work>/out)")
    ap.add_argument("--stage", default="all", choices=["all", "data", "train", "export", "sample", "eval", "resume-file"])
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--vocab", type=int, default=4096)
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--rows", type=int, default=150000, help="training rows of ctx+1 tokens")
    ap.add_argument("--val-rows", type=int, default=32)
    ap.add_argument("--bpe-docs", type=int, default=6000, help="stories in the tokenizer corpus (other kinds scale with it)")
    ap.add_argument("--heldout-stories", type=int, default=200)
    ap.add_argument("--heldout-dialogues", type=int, default=150)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-head", type=int, default=8)
    ap.add_argument("--n-embd", type=int, default=256)
    ap.add_argument("--steps", type=int, default=14000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--min-lr", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--ckpt-every", type=int, default=100)
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--val-every", type=int, default=500)
    ap.add_argument("--stop-at", type=int, default=None, help="end this run at this step (the schedule still spans --steps)")
    ap.add_argument("--stop-file", default=None, help="stop cleanly (checkpoint kept) when this file exists (default: <work>/STOP)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--init-from", default=None, help="with no checkpoint in --work: start from this exported model folder "
                    "(its model.onnx weights, its tokenizer.json, the step in its training_log.json) or from a resume "
                    "file FILE.pt of --stage resume-file (its folder holds the tokenizer.json and training_log.json)")
    ap.add_argument("--resume-out", default=os.path.join(HERE, "resume", "v2-resume.pt"),
                    help="where --stage resume-file writes (default: tools/train-default-model/resume/v2-resume.pt)")
    ap.add_argument("--sample-tokens", type=int, default=80)
    args = ap.parse_args()
    args.out = args.out or os.path.join(args.work, "out")
    args.stop_file = args.stop_file or os.path.join(args.work, "STOP")
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    random.seed(args.seed)
    np.random.seed(args.seed)
    os.makedirs(args.work, exist_ok=True)
    tok_path = os.path.join(args.work, "tokenizer.json")
    if args.init_from and not os.path.exists(tok_path):
        src = os.path.dirname(os.path.abspath(args.init_from)) if args.init_from.endswith(".pt") else args.init_from
        shutil.copyfile(os.path.join(src, "tokenizer.json"), tok_path)                # the embeddings depend on it
        if not os.path.exists(log_path(args)):                                          # the phases so far
            phases = json.load(open(os.path.join(src, "training_log.json"))).get("phases", [])
            json.dump({"phases": phases}, open(log_path(args), "w"), indent=1)
    if args.stage in ("all", "data") and not os.path.exists(os.path.join(args.work, "val.npy")):
        build_data(args)
    done = True
    if args.stage in ("all", "train"):
        done = train(args)
    if args.stage == "resume-file":
        resume_file(args)
        return
    if args.stage == "export" or (args.stage == "all" and done):
        export(args)
    if args.stage == "sample" or (args.stage == "all" and done):
        sample(args)
    if args.stage == "eval" or (args.stage == "all" and done):
        run_eval(args)


if __name__ == "__main__":
    main()
