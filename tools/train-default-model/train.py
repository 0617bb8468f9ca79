#!/usr/bin/python3
"""Builds the dataset, trains the tokenizer and a small GPT, and exports the model folder.

  /usr/bin/python3 tools/train-default-model/train.py --out models/playground-mini

Stages (each skipped when its output exists in --work, so an interrupted run resumes):
  data       tokenizer.json + packed token rows (work/data.npy)
  train      checkpoints work/ckpt.pt every --ckpt-every steps; resumes from the latest
  export     model.onnx (opset 17, Optimum layout with KV cache), configs, tokenizer files
Everything is seeded (--seed); with the same --steps the run is reproducible up to floating-point
nondeterminism of multi-threaded CPU kernels.
"""
import argparse
import gzip
import json
import math
import os
import random
import re
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402
import tasks  # noqa: E402

EOT, USER, ASSISTANT, END = "<|endoftext|>", "<|user|>", "<|assistant|>", "<|end|>"
SPECIALS = [EOT, USER, ASSISTANT, END]
CHAT_TEMPLATE = ("{{ bos_token }}{% for message in messages %}{{ '<|' + message['role'] + '|> ' + message['content'] + '<|end|>\\n' }}"
                 "{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}")

FORTUNE_FILES = ["art", "computers", "cookie", "definitions", "education", "food", "fortunes", "goedel", "humorists",
                 "kids", "law", "linux", "literature", "love", "magic", "medicine", "miscellaneous", "news",
                 "paradoxum", "people", "pets", "platitudes", "riddles", "science", "sports", "tao", "wisdom", "work"]


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


# ---------------------------------------------------------------- data

def ascii_clean(s):
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"').replace("\u2014", " -- ")
    s = s.encode("ascii", "ignore").decode()
    s = re.sub(r"[ \t]+", " ", s)
    return s.strip()


def prose_docs():
    """Paragraph-joined English text: fortunes (BSD), Devil's Dictionary and Jargon File (public domain)."""
    docs = []
    root = "/usr/share/games/fortunes"
    for name in FORTUNE_FILES:
        p = os.path.join(root, name)
        if not os.path.exists(p):
            continue
        for f in open(p, encoding="utf-8", errors="ignore").read().split("\n%\n"):
            lines = [l for l in f.split("\n") if not l.strip().startswith("--")]
            text = ascii_clean(" ".join(l.strip() for l in lines))
            if len(text) > 40 and sum(c.isalpha() for c in text) > 0.6 * len(text):
                docs.append(text)
    for name in ["devil", "jargon"]:
        p = f"/usr/share/dictd/{name}.dict.dz"
        if not os.path.exists(p):
            continue
        raw = gzip.open(p).read().decode("utf-8", errors="ignore")
        for para in re.split(r"\n\s*\n", raw):
            text = ascii_clean(" ".join(l.strip() for l in para.split("\n")))
            if len(text) > 60 and "http" not in text and "00-database" not in text and sum(c.isalpha() for c in text) > 0.6 * len(text):
                docs.append(text)
    return docs


def task_doc(rng, items):
    return tasks.task_doc_phase1(rng, items)


def build_data(args):
    rng = random.Random(args.seed)
    items = tasks.task_items(args.seed)
    prose = prose_docs()
    rng.shuffle(prose)
    log(f"prose: {len(prose)} documents, {sum(map(len, prose)) / 1e6:.2f} M chars")
    # Tokenizer corpus: all prose + a sample of task documents.
    sample_tasks = [task_doc(rng, items) for _ in range(20000)]
    counts = {}
    for d in prose + sample_tasks:
        for part in re.split("|".join(re.escape(s) for s in SPECIALS), d):
            for w in bpe.pretokenize(part):
                counts[w] = counts.get(w, 0) + 1
    # Make sure every table word (and its capitalized/spaced forms) is in the BPE corpus with some weight.
    for task in tasks.PHASE1_TASKS:
        for x, y in items[task][0] + items[task][1]:
            for w in bpe.pretokenize(f" {x} {y}"):
                counts[w] = counts.get(w, 0) + 5
    t0 = time.time()
    tok = bpe.build(counts, args.vocab, SPECIALS)
    log(f"tokenizer: {len(tok.vocab)} tokens ({len(tok.merges)} merges) in {time.time() - t0:.0f}s")
    os.makedirs(args.work, exist_ok=True)
    json.dump(tok.hf_json(), open(os.path.join(args.work, "tokenizer.json"), "w"), ensure_ascii=False)

    # Rows of ctx+1 tokens, each starting with <|endoftext|>, documents separated by <|endoftext|>.
    eot = tok.specials[EOT]
    T = args.ctx + 1
    prose_ids = [tok.encode(d) for d in prose]
    log(f"prose tokens: {sum(map(len, prose_ids)) / 1e6:.2f} M")
    rows = []
    n_rows = args.rows
    pi = 0
    for r in range(n_rows):
        row = [eot]
        while len(row) < T:
            if rng.random() < args.prose_frac:
                ids = prose_ids[pi % len(prose_ids)]
                pi += 1
                if len(ids) > args.ctx:                  # long paragraphs: a random window
                    s = rng.randrange(0, len(ids) - args.ctx // 2)
                    ids = ids[s:s + args.ctx // 2]
            else:
                ids = tok.encode(task_doc(rng, items))
            row.extend(ids)
            row.append(eot)
        rows.append(row[:T])
        if (r + 1) % 5000 == 0:
            log(f"rows {r + 1}/{n_rows}")
    data = np.array(rows, dtype=np.int16 if len(tok.vocab) < 32768 else np.int32)
    np.save(os.path.join(args.work, "data.npy"), data)
    log(f"data: {data.shape[0]} rows x {data.shape[1]} tokens = {data.size / 1e6:.1f} M tokens; prose docs used {pi}")


def build_data2(args):
    """Phase-2 rows (work/data2.npy): the phase-2 task mix (tasks.task_doc_phase2) + prose, with the phase-1
    tokenizer (work/tokenizer.json, never retrained: the embeddings depend on it)."""
    rng = random.Random(args.seed + 2)
    items = tasks.task_items(args.seed)
    tok = bpe.load(os.path.join(args.work, "tokenizer.json"))
    prose = prose_docs()
    rng.shuffle(prose)
    eot = tok.specials[EOT]
    T = args.ctx + 1
    prose_ids = [tok.encode(d) for d in prose]
    rows, pi = [], 0
    for r in range(args.rows2):
        row = [eot]
        while len(row) < T:
            if rng.random() < args.prose_frac2:
                ids = prose_ids[pi % len(prose_ids)]
                pi += 1
                if len(ids) > args.ctx:
                    s = rng.randrange(0, len(ids) - args.ctx // 2)
                    ids = ids[s:s + args.ctx // 2]
            else:
                ids = tok.encode(tasks.task_doc_phase2(rng, items))
            row.extend(ids)
            row.append(eot)
        rows.append(row[:T])
    data = np.array(rows, dtype=np.int16 if len(tok.vocab) < 32768 else np.int32)
    np.save(os.path.join(args.work, "data2.npy"), data)
    log(f"data2: {data.shape[0]} rows x {data.shape[1]} tokens = {data.size / 1e6:.1f} M tokens; prose docs used {pi}")


# ---------------------------------------------------------------- model

class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)

    def attn(self, x, past_k=None, past_v=None, bias=None):
        B, S, D = x.shape
        q, k, v = self.qkv(x).split(D, dim=2)
        q = q.view(B, S, self.h, D // self.h).transpose(1, 2)
        k = k.view(B, S, self.h, D // self.h).transpose(1, 2)
        v = v.view(B, S, self.h, D // self.h).transpose(1, 2)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D // self.h))
        att = att + bias
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, S, D)
        return self.proj(y), k, v

    def forward(self, x, past_k=None, past_v=None, bias=None):
        a, k, v = self.attn(self.ln1(x), past_k, past_v, bias)
        x = x + a
        x = x + self.out(F.gelu(self.fc(self.ln2(x))))
        return x, k, v


class GPT(nn.Module):
    def __init__(self, vocab, ctx, n_layer, n_head, n_embd):
        super().__init__()
        self.ctx = ctx
        self.wte = nn.Embedding(vocab, n_embd)
        self.wpe = nn.Embedding(ctx, n_embd)
        self.blocks = nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.apply(self._init)
        for b in self.blocks:
            nn.init.normal_(b.proj.weight, std=0.02 / math.sqrt(2 * n_layer))
            nn.init.normal_(b.out.weight, std=0.02 / math.sqrt(2 * n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def forward(self, idx):
        """Training / reference forward: full causal attention, positions 0..S-1."""
        B, S = idx.shape
        x = self.wte(idx) + self.wpe(torch.arange(S, device=idx.device))[None]
        bias = torch.full((S, S), -1e9).triu(1)[None, None]
        for b in self.blocks:
            x, _, _ = b(x, bias=bias)
        return self.ln_f(x) @ self.wte.weight.t()


class OnnxDecoder(nn.Module):
    """Optimum-style decoder: input_ids, attention_mask [B, past+S], position_ids, past_key_values.N.key/value."""

    def __init__(self, gpt):
        super().__init__()
        self.g = gpt

    def forward(self, input_ids, attention_mask, position_ids, *past):
        g = self.g
        B, S = input_ids.shape
        P = past[0].shape[2]
        x = g.wte(input_ids) + g.wpe(position_ids)
        q_pos = torch.arange(S, dtype=torch.int64) + P
        k_pos = torch.arange(P + S, dtype=torch.int64)
        causal = k_pos[None, :] <= q_pos[:, None]                       # [S, P+S]
        allowed = causal[None, None] & (attention_mask[:, None, None, :] > 0)
        bias = torch.where(allowed, torch.zeros((), dtype=torch.float32), torch.full((), -1e9, dtype=torch.float32))
        presents = []
        for i, b in enumerate(g.blocks):
            x, k, v = b(x, past[2 * i], past[2 * i + 1], bias)
            presents += [k, v]
        logits = g.ln_f(x) @ g.wte.weight.t()
        return (logits, *presents)


# ---------------------------------------------------------------- train

def lr_at(step, args):
    if args.phase2_to and step >= max(args.steps, args.extend_to or 0):
        # Phase 2 (new data mix): a third cosine cycle up to --phase2-to.
        start = max(args.steps, args.extend_to or 0)
        n = max(1, args.phase2_to - start)
        k = step - start
        if k < args.warmup3:
            return args.lr3 * (k + 1) / args.warmup3
        p = min(1.0, (k - args.warmup3) / max(1, n - args.warmup3))
        return args.min_lr + 0.5 * (args.lr3 - args.min_lr) * (1 + math.cos(math.pi * p))
    if args.extend_to and step >= args.steps:
        # Second cosine cycle (warm restart) from --steps to --extend-to.
        n = max(1, args.extend_to - args.steps)
        k = step - args.steps
        if k < args.warmup2:
            return args.lr2 * (k + 1) / args.warmup2
        p = min(1.0, (k - args.warmup2) / max(1, n - args.warmup2))
        return args.min_lr + 0.5 * (args.lr2 - args.min_lr) * (1 + math.cos(math.pi * p))
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    p = min(1.0, (step - args.warmup) / max(1, args.steps - args.warmup))
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1 + math.cos(math.pi * p))


def make_model(args, vocab):
    return GPT(vocab, args.ctx, args.n_layer, args.n_head, args.n_embd)


def final_ckpt(args):
    """The checkpoint export/reference use: --ckpt, else phase 2's when phase 2 is on, else phase 1's."""
    if args.ckpt:
        return args.ckpt
    if args.phase2_to:
        return os.path.join(args.work, "ckpt2.pt")
    return os.path.join(args.work, "ckpt.pt")


def train(args, phase=1):
    data_file = "data.npy" if phase == 1 else "data2.npy"
    data = torch.from_numpy(np.load(os.path.join(args.work, data_file)).astype(np.int64))
    vocab = len(json.load(open(os.path.join(args.work, "tokenizer.json")))["model"]["vocab"])
    torch.manual_seed(args.seed)
    model = make_model(args, vocab)
    n_params = sum(p.numel() for p in model.parameters())
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    ckpt_path = os.path.join(args.work, "ckpt.pt" if phase == 1 else "ckpt2.pt")
    step, seen, hist, wall = 0, 0, [], 0.0
    init = ckpt_path if os.path.exists(ckpt_path) else (os.path.join(args.work, "ckpt.pt") if phase == 2 else None)
    if init and os.path.exists(init):
        ck = torch.load(init)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, seen, hist, wall = ck["step"], ck["seen"], ck["hist"], ck.get("wall", 0.0)
        log(f"resumed at step {step} from {init}")
    log(f"model: {n_params / 1e6:.2f} M parameters; data {data.shape}; steps {args.steps} (then to {args.extend_to}) x batch {args.batch}")
    gen = torch.Generator().manual_seed(args.seed)
    # Per-step batch indices are a pure function of (seed, step), so a resumed run sees the same batches.
    t0 = time.time()
    t_last = t0
    ema = None
    model.train()
    total = max(args.steps, args.extend_to or 0) if phase == 1 else args.phase2_to
    last = min(total, args.stop_at) if args.stop_at else total
    while step < last:
        if args.stop_file and os.path.exists(args.stop_file):
            log("stop file found: stopping early")
            break
        gen.manual_seed(args.seed * 1000003 + step)
        idx = torch.randint(0, data.shape[0], (args.batch,), generator=gen)
        xb = data[idx]
        x, y = xb[:, :-1], xb[:, 1:]
        for g in opt.param_groups:
            g["lr"] = lr_at(step, args)
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        seen += x.numel()
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        if step % 25 == 0 or step == last:
            now = time.time()
            wall += now - t_last
            t_last = now
            hist.append((step, round(ema, 4)))
            log(f"step {step}/{total} loss {ema:.3f} lr {lr_at(step, args):.2e} seen {seen / 1e6:.2f}M tok "
                f"{seen / max(wall, 1e-9):.0f} tok/s avg")
        if step % args.ckpt_every == 0 or step == last:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "seen": seen,
                        "hist": hist, "wall": wall}, ckpt_path + ".tmp")
            os.replace(ckpt_path + ".tmp", ckpt_path)
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "seen": seen,
                "hist": hist, "wall": wall}, ckpt_path + ".tmp")
    os.replace(ckpt_path + ".tmp", ckpt_path)
    log(f"training stopped at step {step}, {seen / 1e6:.2f} M tokens, loss {ema}")


# ---------------------------------------------------------------- export

def export(args):
    tokj = json.load(open(os.path.join(args.work, "tokenizer.json")))
    vocab = len(tokj["model"]["vocab"])
    ids = {t["content"]: t["id"] for t in tokj["added_tokens"]}
    model = make_model(args, vocab)
    ck = torch.load(final_ckpt(args))
    model.load_state_dict(ck["model"])
    model.eval()
    out = args.out
    os.makedirs(out, exist_ok=True)
    dec = OnnxDecoder(model).eval()
    hd = args.n_embd // args.n_head
    B, S, P = 2, 3, 4
    input_ids = torch.randint(0, vocab, (B, S))
    mask = torch.ones(B, P + S, dtype=torch.int64)
    pos = torch.arange(P, P + S)[None].repeat(B, 1)
    past = []
    names_in, names_out, dyn = ["input_ids", "attention_mask", "position_ids"], ["logits"], {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"}}
    for i in range(args.n_layer):
        for kind in ("key", "value"):
            past.append(torch.randn(B, args.n_head, P, hd))
            names_in.append(f"past_key_values.{i}.{kind}")
            names_out.append(f"present.{i}.{kind}")
            dyn[f"past_key_values.{i}.{kind}"] = {0: "batch_size", 2: "past_sequence_length"}
            dyn[f"present.{i}.{kind}"] = {0: "batch_size", 2: "total_sequence_length"}
    path = os.path.join(out, "model.onnx")
    with torch.no_grad():
        torch.onnx.export(dec, (input_ids, mask, pos, *past), path, input_names=names_in, output_names=names_out,
                          dynamic_axes=dyn, opset_version=17, do_constant_folding=True)
    # Check: KV-cache decoder vs full forward (torch), zero-length past.
    with torch.no_grad():
        x = torch.randint(0, vocab, (1, 10))
        full = model(x)
        empty = [torch.zeros(1, args.n_head, 0, hd) for _ in range(2 * args.n_layer)]
        o = dec(x[:, :6], torch.ones(1, 6, dtype=torch.int64), torch.arange(6)[None], *empty)
        o2 = dec(x[:, 6:], torch.ones(1, 10, dtype=torch.int64), torch.arange(6, 10)[None], *o[1:])
        err = max((o[0] - full[:, :6]).abs().max().item(), (o2[0] - full[:, 6:]).abs().max().item())
    log(f"exported {path} ({os.path.getsize(path) / 1e6:.1f} MB); cache vs full max |diff| {err:.2e}")
    n_params = sum(p.numel() for p in model.parameters())
    eos = [ids[EOT], ids[END]]
    config = {
        "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_layer": args.n_layer, "n_head": args.n_head,
        "n_embd": args.n_embd, "n_positions": args.ctx, "n_ctx": args.ctx, "n_inner": 4 * args.n_embd,
        "vocab_size": vocab, "bos_token_id": ids[EOT], "eos_token_id": eos, "pad_token_id": ids[EOT],
        "activation_function": "gelu", "layer_norm_epsilon": 1e-5, "tie_word_embeddings": True,
        "torch_dtype": "float32", "use_cache": True,
        "playground": {"parameters": n_params, "trained_steps": ck["step"], "tokens_seen": ck["seen"],
                       "final_loss": ck["hist"][-1][1] if ck["hist"] else None, "seed": args.seed},
    }
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)
    json.dump({"bos_token_id": ids[EOT], "eos_token_id": eos, "pad_token_id": ids[EOT], "do_sample": False,
               "max_length": args.ctx}, open(os.path.join(out, "generation_config.json"), "w"), indent=2)
    json.dump(tokj, open(os.path.join(out, "tokenizer.json"), "w"), ensure_ascii=False)
    tc = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": args.ctx, "add_bos_token": True,
          "add_eos_token": False, "bos_token": EOT, "eos_token": END, "pad_token": EOT, "unk_token": None,
          "clean_up_tokenization_spaces": False, "chat_template": CHAT_TEMPLATE,
          "added_tokens_decoder": {str(t["id"]): {"content": t["content"], "special": True, "lstrip": False,
                                                  "rstrip": False, "normalized": False, "single_word": False}
                                   for t in tokj["added_tokens"]}}
    json.dump(tc, open(os.path.join(out, "tokenizer_config.json"), "w"), indent=2)
    json.dump({"bos_token": EOT, "eos_token": END, "pad_token": EOT, "additional_special_tokens": [USER, ASSISTANT]},
              open(os.path.join(out, "special_tokens_map.json"), "w"), indent=2)
    json.dump({"step": ck["step"], "tokens_seen": ck["seen"], "train_seconds": round(ck.get("wall", 0)),
               "loss_history": ck["hist"], "args": vars(args)},
              open(os.path.join(out, "training_log.json"), "w"), indent=1)


def reference_greedy(args, prompt, n):
    """Greedy tokens by full recompute in torch (the check the eval compares the app's KV-cache engine with)."""
    tokj = os.path.join(args.work, "tokenizer.json")
    tok = bpe.load(tokj)
    vocab = len(tok.vocab)
    model = make_model(args, vocab)
    model.load_state_dict(torch.load(final_ckpt(args))["model"])
    model.eval()
    ids = [tok.specials[EOT]] + tok.encode(prompt)
    out = []
    with torch.no_grad():
        for _ in range(n):
            nxt = int(model(torch.tensor([ids]))[0, -1].argmax())
            out.append(nxt)
            ids.append(nxt)
            if nxt in (tok.specials[EOT], tok.specials[END]):
                break
    return ids[:len(ids) - len(out)], out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="models/playground-mini")
    ap.add_argument("--work", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "work"))
    ap.add_argument("--stage", default="all", choices=["all", "data", "train", "export", "reference"])
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--vocab", type=int, default=2048)
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--rows", type=int, default=40000)
    ap.add_argument("--prose-frac", type=float, default=0.3)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=128)
    ap.add_argument("--steps", type=int, default=700)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--min-lr", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=60)
    ap.add_argument("--ckpt-every", type=int, default=50)
    ap.add_argument("--extend-to", type=int, default=1300,
                    help="after --steps, a second cosine cycle (peak --lr2, --warmup2 steps of warm-up) up to this step")
    ap.add_argument("--lr2", type=float, default=1e-3)
    ap.add_argument("--warmup2", type=int, default=20)
    ap.add_argument("--phase2-to", type=int, default=2300,
                    help="phase 2: continue from the phase-1 checkpoint on the phase-2 mix (work/data2.npy) up to this step (0: off)")
    ap.add_argument("--lr3", type=float, default=1e-3)
    ap.add_argument("--warmup3", type=int, default=20)
    ap.add_argument("--rows2", type=int, default=16000)
    ap.add_argument("--prose-frac2", type=float, default=0.28)
    ap.add_argument("--ckpt", default=None, help="checkpoint to export (default: work/ckpt2.pt with phase 2, else work/ckpt.pt)")
    ap.add_argument("--stop-at", type=int, default=None,
                    help="end training at this step (the learning-rate schedule still runs over --steps)")
    ap.add_argument("--stop-file", default=None, help="stop training early (and keep the checkpoint) when this file exists")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prompt", default="Q: What is the opposite of hot?\nA:")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    if args.stage == "reference":
        p, o = reference_greedy(args, args.prompt, 20)
        print(json.dumps({"prompt_ids": p, "greedy": o}))
        return
    if args.stage in ("all", "data") and not os.path.exists(os.path.join(args.work, "data.npy")):
        build_data(args)
    if args.stage in ("all", "train"):
        phase1_end = max(args.steps, args.extend_to or 0)
        if not (args.stop_at and args.stop_at <= phase1_end and os.path.exists(os.path.join(args.work, "ckpt2.pt"))):
            train(args, phase=1)
        if args.phase2_to and not (args.stop_file and os.path.exists(args.stop_file)) and \
                (not args.stop_at or args.stop_at > phase1_end):
            if not os.path.exists(os.path.join(args.work, "data2.npy")):
                build_data2(args)
            train(args, phase=2)
    if args.stage in ("all", "export"):
        export(args)


if __name__ == "__main__":
    main()
