"""A small byte-level BPE trainer/encoder that writes a Hugging Face tokenizer.json (GPT-2 style).

Pre-tokenization follows GPT-2's regex for ASCII text (the training corpus is ASCII-only), so the app's
GPT-2 splitter and this one agree on it. Merges are learned by pair frequency over word counts.
"""
import collections
import heapq
import json
import re

PAT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


B2U = bytes_to_unicode()
U2B = {v: k for k, v in B2U.items()}


def pretokenize(text):
    return PAT.findall(text)


def train_bpe(word_counts, n_merges):
    """word_counts: {str word: count}. Returns list of merges (a, b) over byte-unicode symbols."""
    words = []
    counts = []
    for w, c in word_counts.items():
        words.append([B2U[b] for b in w.encode("utf-8")])
        counts.append(c)
    pair_counts = collections.Counter()
    where = collections.defaultdict(set)
    for i, w in enumerate(words):
        for a, b in zip(w, w[1:]):
            pair_counts[(a, b)] += counts[i]
            where[(a, b)].add(i)
    heap = [(-c, p) for p, c in pair_counts.items()]
    heapq.heapify(heap)
    merges = []
    while len(merges) < n_merges and heap:
        negc, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -negc or -negc <= 0:
            continue  # stale entry
        # Deterministic tie-break: among equal counts heapq orders by the pair itself.
        merges.append(pair)
        a, b = pair
        new = a + b
        changed = collections.Counter()
        for i in list(where[pair]):
            w = words[i]
            c = counts[i]
            j = 0
            out = []
            while j < len(w):
                if j + 1 < len(w) and w[j] == a and w[j + 1] == b:
                    out.append(new)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            if out == w:
                continue
            for p in zip(w, w[1:]):
                changed[p] -= c
            for p in zip(out, out[1:]):
                changed[p] += c
                where[p].add(i)
            words[i] = out
        for p, d in changed.items():
            if d:
                pair_counts[p] += d
                if pair_counts[p] > 0:
                    heapq.heappush(heap, (-pair_counts[p], p))
        pair_counts.pop(pair, None)
        where.pop(pair, None)
    return merges


class Tokenizer:
    def __init__(self, vocab, merges, specials):
        self.vocab = vocab                      # str symbol -> id
        self.inv = {i: s for s, i in vocab.items()}
        self.ranks = {tuple(m): r for r, m in enumerate(merges)}
        self.merges = merges
        self.specials = specials                # str -> id
        self.special_re = re.compile("(" + "|".join(re.escape(s) for s in sorted(specials, key=len, reverse=True)) + ")")
        self.cache = {}

    def _bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        sym = [B2U[b] for b in word.encode("utf-8")]
        while len(sym) > 1:
            best = None
            for i in range(len(sym) - 1):
                r = self.ranks.get((sym[i], sym[i + 1]))
                if r is not None and (best is None or r < best[0]):
                    best = (r, i)
            if best is None:
                break
            i = best[1]
            sym = sym[:i] + [sym[i] + sym[i + 1]] + sym[i + 2:]
        ids = [self.vocab[s] for s in sym]
        if len(self.cache) < 500000:
            self.cache[word] = ids
        return ids

    def encode(self, text):
        ids = []
        for part in self.special_re.split(text):
            if not part:
                continue
            if part in self.specials:
                ids.append(self.specials[part])
                continue
            for w in pretokenize(part):
                ids.extend(self._bpe(w))
        return ids

    def decode(self, ids):
        out = bytearray()
        for i in ids:
            s = self.inv[i]
            if s in self.specials:
                out += s.encode()
            else:
                out += bytes(U2B[ch] for ch in s)
        return out.decode("utf-8", errors="replace")

    def hf_json(self):
        added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for s, i in sorted(self.specials.items(), key=lambda kv: kv[1])]
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                      "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                      "vocab": self.vocab, "merges": [f"{a} {b}" for a, b in self.merges]},
        }


def build(word_counts, vocab_size, specials):
    """Byte symbols get ids 0..255 (by byte value), merges follow, special tokens take the last ids."""
    n_merges = vocab_size - 256 - len(specials)
    merges = train_bpe(word_counts, n_merges)
    vocab = {B2U[b]: b for b in range(256)}
    for a, b in merges:
        if a + b not in vocab:          # two merge paths can build the same string
            vocab[a + b] = len(vocab)
    sp = {}
    for s in specials:
        sp[s] = len(vocab)
        vocab[s] = sp[s]
    return Tokenizer(vocab, merges, sp)


def load(path):
    j = json.load(open(path))
    vocab = j["model"]["vocab"]
    merges = [tuple(m.split(" ")) for m in j["model"]["merges"]]
    sp = {t["content"]: t["id"] for t in j["added_tokens"]}
    return Tokenizer(vocab, merges, sp)
