#!/usr/bin/python3
"""Evaluates a model folder through the app's own engine (the gptplayground CLI, ONNX Runtime, KV cache).

  /usr/bin/python3 tools/train-default-model/eval.py --model models/playground-mini

Runs the held-out items of every task in every prompt style (tasks.eval_prompts), greedy, and scores the
answer (instruction: the reply up to <|end|>; zero-shot/few-shot: the first line after the prompt) by
exact match. Also: greedy continuations of English sentence starts (share of real words, from
/usr/share/dict/words), decode speed (`bench`), and, when the training checkpoint is present, the
app's KV-cache greedy tokens against a torch full-recompute reference.
Writes <model>/eval.json and replaces the block between the eval markers in <model>/README.md.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import tasks  # noqa: E402

CLI = os.path.join(ROOT, "src", "GptPlayground", "bin", "Release", "net10.0", "gptplayground")

CONTINUATIONS = [
    "The best way to learn a new language is",
    "Once upon a time, there was a",
    "A wise man once said that",
    "The computer was old and slow, but",
    "In the morning the sun",
    "Life is like a",
    "The problem with most people is that",
    "My favorite thing about the weekend is",
    "Never trust a man who",
    "The secret of happiness is",
]


def build_cli():
    subprocess.run(["dotnet", "build", "-c", "Release", "-v", "q", "-nologo", os.path.join(ROOT, "src", "GptPlayground")],
                   check=True, stdout=subprocess.DEVNULL)


def generate(model, prompts, max_new):
    args = [CLI, "generate", "--model", model, "--max-new-tokens", str(max_new), "--json"]
    for p in prompts:
        args += ["--prompt", p]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"gptplayground generate failed ({r.returncode}): {r.stderr[-2000:]}")
    return json.loads(r.stdout)["sequences"]


def answer_of(style, text):
    text = text.replace("<|end|>", "\n")
    if style == "instruction":
        return text.strip()
    return text.split("\n")[0].strip()


def run_tasks(model, seed, batch):
    items = tasks.task_items(seed)
    evs = tasks.eval_prompts(items)
    results = []
    for i in range(0, len(evs), batch):
        chunk = evs[i:i + batch]
        max_new = max(16 if e["task"] in ("sort", "reverse") else 8 for e in chunk)
        seqs = generate(model, [e["prompt"] for e in chunk], max_new)
        for e, s in zip(chunk, seqs):
            got = answer_of(e["style"], s["text"])
            results.append({**e, "output": s["text"], "got": got, "ok": got == e["answer"]})
        print(f"  {min(i + batch, len(evs))}/{len(evs)}", file=sys.stderr, flush=True)
    return results


def continuation(model):
    words = set(w.strip().lower() for w in open("/usr/share/dict/words", encoding="utf-8", errors="ignore"))
    seqs = generate(model, CONTINUATIONS, 30)
    out, real, total = [], 0, 0
    for p, s in zip(CONTINUATIONS, seqs):
        ws = re.findall(r"[A-Za-z']+", s["text"])
        ok = [w for w in ws if w.lower().strip("'") in words or w.lower().endswith("'s") and w.lower()[:-2] in words]
        real += len(ok)
        total += len(ws)
        out.append({"prompt": p, "continuation": s["text"], "words": len(ws), "real_words": len(ok)})
    return {"items": out, "real_word_share": real / max(total, 1)}


def bench(model):
    r = subprocess.run([CLI, "bench", "--model", model, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr[-500:]}
    return json.loads(r.stdout)


def consistency(model, work):
    """App greedy (KV cache, ONNX Runtime) vs torch full recompute from the checkpoint, on a few prompts."""
    if not os.path.exists(os.path.join(work, "ckpt.pt")):
        return None
    import train  # noqa: needs torch
    cfg = json.load(open(os.path.join(model, "config.json")))
    targs = json.load(open(os.path.join(model, "training_log.json")))["args"]
    a = argparse.Namespace(work=work, n_layer=cfg["n_layer"], n_head=cfg["n_head"], n_embd=cfg["n_embd"], ctx=cfg["n_positions"],
                           ckpt=targs.get("ckpt"), phase2_to=targs.get("phase2_to"))
    if not os.path.exists(train.final_ckpt(a)):
        return None
    prompts = ["Q: What is the opposite of hot?\nA:", tasks.user("Sort: 7 2 9 4"), "Once upon a time, there was a",
               "Input: cat\nOutput: cats\nInput: dog\nOutput: dogs\nInput: box\nOutput:"]
    seqs = generate(model, prompts, 20)
    rows = []
    for p, s in zip(prompts, seqs):
        _, ref = train.reference_greedy(a, p, 20)
        rows.append({"prompt": p, "app": s["tokens"], "torch": ref, "same": s["tokens"] == ref})
    return rows


def training_facts(model):
    log = json.load(open(os.path.join(model, "training_log.json")))
    cfg = json.load(open(os.path.join(model, "config.json")))
    a = log["args"]
    cmd = f"train.py --steps {a['steps']}" + (f" --extend-to {a['extend_to']}" if a.get("extend_to") else "") + \
          (f" --phase2-to {a['phase2_to']}" if a.get("phase2_to") else "") + \
          (f" --stop-at {a['stop_at']}" if a.get("stop_at") else "") + (f" --ckpt {a['ckpt']}" if a.get("ckpt") else "")
    hist = log["loss_history"]
    p1_end = max(a["steps"], a.get("extend_to") or 0)
    p1 = [h for h in hist if h[0] <= p1_end]
    tok_per_step = a["batch"] * a["ctx"]
    lines = [
        f"- Arguments: `{cmd}` (defaults otherwise: seed {a['seed']}, batch {a['batch']} x {a['ctx']} tokens, "
        f"{a['n_layer']} layers x {a['n_head']} heads x {a['n_embd']}).",
        f"- Phase 1 (steps 0-{p1_end}, `work/data.npy`, eight tasks + 30% prose): lr {a['lr']} cosine to step {a['steps']}, "
        f"then a warm restart at {a.get('lr2')} to step {p1_end}; {p1_end * tok_per_step / 1e6:.2f} M tokens; "
        f"loss **{p1[-1][1]:.3f}** at step {p1[-1][0]}." if p1 else "",
    ]
    if a.get("phase2_to") and log["step"] > p1_end:
        lines.append(f"- Phase 2 (steps {p1_end}-{log['step']}, `work/data2.npy`, the phase-2 task mix + {100 * a.get('prose_frac2', 0):.0f}% prose, "
                     f"continued from the phase-1 checkpoint with the same tokenizer): lr {a.get('lr3')} ({a.get('warmup3')} warm-up steps) "
                     f"cosine to {a['min_lr']}; {(log['step'] - p1_end) * tok_per_step / 1e6:.2f} M tokens; "
                     f"loss **{hist[-1][1]:.3f}** at step {hist[-1][0]}.")
    lines += [
        f"- Total: {log['step']} steps; tokens seen: **{log['tokens_seen'] / 1e6:.2f} M**; parameters: {cfg['playground']['parameters']:,}.",
        f"- Final training loss (smoothed, all tokens, nats/token): **{hist[-1][1]:.3f}** (step {hist[-1][0]}).",
        f"- Training time: {log['train_seconds'] / 60:.0f} min of step time on 2 shared CPU cores (torch 1.13, OpenBLAS, 2 threads).",
    ]
    return "\n".join(l for l in lines if l)


def table(results):
    cell = {}
    for r in results:
        cell.setdefault((r["task"], r["style"]), []).append(r["ok"])
    lines = ["| task | zero-shot | few-shot | instruction | items |", "|---|---|---|---|---|"]
    for t in tasks.TASKS:
        row = [t + (" (few-shot only in training)" if t in tasks.HELD_OUT_OF_ZERO_SHOT else "")]
        for st in tasks.STYLES:
            v = cell[(t, st)]
            row.append(f"{100 * sum(v) / len(v):.0f}%")
        row.append(str(len(cell[(t, tasks.STYLES[0])])))
        lines.append("| " + " | ".join(row) + " |")
    acc = {f"{t}/{st}": sum(v) / len(v) for (t, st), v in cell.items()}
    return "\n".join(lines), acc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "playground-mini"))
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    model = os.path.abspath(args.model)
    if not args.no_build:
        build_cli()
    t0 = time.time()
    results = run_tasks(model, args.seed, args.batch)
    md, acc = table(results)
    cont = continuation(model)
    b = bench(model)
    cons = consistency(model, args.work)
    report = {"accuracy": acc, "results": results, "continuation": cont, "bench": b, "kv_vs_torch": cons,
              "eval_seconds": round(time.time() - t0)}
    json.dump(report, open(os.path.join(model, "eval.json"), "w"), indent=1)

    held = tasks.HELD_OUT_OF_ZERO_SHOT
    trained = tasks.TRAINED_TASKS
    instr = sum(acc[f"{t}/instruction"] for t in trained) / len(trained)
    gaps = ", ".join(f"{t} {100 * (acc[f'{t}/few-shot'] - acc[f'{t}/zero-shot']):+.0f}" for t in held)
    tps = b.get("decode_tokens_per_s") if isinstance(b, dict) else None
    parts = [md, "",
             f"Instruction style, mean over the trained tasks ({', '.join(trained)}): **{100 * instr:.0f}%** "
             f"(lowest: {min(trained, key=lambda t: acc[t + '/instruction'])} {100 * min(acc[t + '/instruction'] for t in trained):.0f}%). "
             f"Few-shot minus zero-shot on the tasks seen in training only as few-shot prompts (points): {gaps}. "
             f"(Their instruction column is for comparison only: they were never trained as instructions.)",
             f"Greedy continuation of {len(CONTINUATIONS)} English sentence starts (30 new tokens): "
             f"**{100 * cont['real_word_share']:.0f}%** of the generated words are dictionary words (`/usr/share/dict/words`).",
             f"Decode speed (`gptplayground bench`, CPU): **{tps:.0f} tokens/s**." if tps else f"bench: {b}"]
    if cons is not None:
        same = sum(r["same"] for r in cons)
        parts.append(f"KV-cache engine vs torch full recompute, greedy 20 tokens: {same}/{len(cons)} prompts identical.")
    parts.append("")
    parts.append("Continuation samples (greedy):")
    parts.append("")
    for it in cont["items"][:5]:
        parts.append(f"- *{it['prompt']}*{it['continuation'].rstrip()}".replace("\n", " "))
    block = "\n".join(parts)
    readme = os.path.join(model, "README.md")
    if os.path.exists(readme):
        text = open(readme).read()
        text = re.sub(r"<!-- train:start -->.*<!-- train:end -->",
                      lambda _: "<!-- train:start -->\n" + training_facts(model) + "\n<!-- train:end -->", text, flags=re.S)
        text = re.sub(r"<!-- eval:start -->.*<!-- eval:end -->",
                      lambda _: "<!-- eval:start -->\n" + block + "\n<!-- eval:end -->", text, flags=re.S)
        open(readme, "w").write(text)
    print(block)


if __name__ == "__main__":
    main()
