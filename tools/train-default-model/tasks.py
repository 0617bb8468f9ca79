"""Synthetic tasks and the three prompt styles the default model is trained on.

Every task is a list of (input, answer) items from small built-in tables or generated from a seed.
Styles:
  zero-shot    "Q: <question>\nA: <answer>"
  few-shot     k pairs "Input: x\nOutput: y\n", then "Input: query\nOutput:" (the task must be inferred from the examples)
  instruction  chat template "<|user|> <instruction><|end|>\n<|assistant|> <answer><|end|>"
Every word of an item is preceded by a space in all three styles, so it has the same BPE tokens everywhere.
Tasks in HELD_OUT_OF_ZERO_SHOT never appear in the zero-shot style during training.
"""
import random

ANTONYMS = [
    ("hot", "cold"), ("big", "small"), ("up", "down"), ("fast", "slow"), ("happy", "sad"), ("old", "new"),
    ("good", "bad"), ("light", "dark"), ("open", "closed"), ("high", "low"), ("long", "short"), ("rich", "poor"),
    ("hard", "soft"), ("early", "late"), ("wet", "dry"), ("full", "empty"), ("strong", "weak"), ("clean", "dirty"),
    ("loud", "quiet"), ("thick", "thin"), ("young", "old"), ("near", "far"), ("left", "right"), ("in", "out"),
    ("true", "false"), ("begin", "end"), ("win", "lose"), ("buy", "sell"), ("push", "pull"), ("give", "take"),
    ("first", "last"), ("day", "night"), ("black", "white"), ("yes", "no"), ("love", "hate"), ("always", "never"),
    ("before", "after"), ("above", "below"), ("inside", "outside"), ("easy", "difficult"), ("cheap", "expensive"),
    ("heavy", "light"), ("wide", "narrow"), ("deep", "shallow"), ("sweet", "sour"), ("safe", "dangerous"),
    ("friend", "enemy"), ("north", "south"), ("east", "west"), ("happy", "sad"), ("tall", "short"),
    ("start", "finish"), ("top", "bottom"), ("front", "back"), ("on", "off"), ("question", "answer"),
    ("warm", "cool"), ("rough", "smooth"), ("brave", "afraid"), ("sharp", "dull"), ("alive", "dead"),
    ("polite", "rude"), ("remember", "forget"), ("arrive", "leave"), ("accept", "refuse"), ("laugh", "cry"),
    ("wake", "sleep"), ("noisy", "silent"), ("entrance", "exit"), ("maximum", "minimum"), ("increase", "decrease"),
]
ANTONYMS = list(dict.fromkeys(ANTONYMS))

IRREGULAR_PLURALS = [("man", "men"), ("woman", "women"), ("child", "children"), ("mouse", "mice"), ("foot", "feet"),
                     ("tooth", "teeth"), ("goose", "geese"), ("person", "people"), ("sheep", "sheep"), ("fish", "fish"),
                     ("leaf", "leaves"), ("knife", "knives"), ("wife", "wives"), ("life", "lives"), ("wolf", "wolves")]
NOUNS = ("cat dog house tree car book bird apple river chair table door window cup pen girl boy horse cow pig "
         "hat shoe bed road ship king queen star flower garden cake bottle bag letter song friend farmer teacher "
         "hand eye ear nose head arm leg ring coin key lamp clock phone map boat train plane truck bike stone rock "
         "hill lake cloud field road room wall floor shirt coat sock egg bean seed nut word name idea plan game toy").split()
ES_NOUNS = "box fox bus glass dish brush church watch match wish class dress kiss beach bench".split()
Y_NOUNS = "city baby party story family lady berry cherry puppy country body penny".split()
PLURALS = [(n, n + "s") for n in dict.fromkeys(NOUNS)] + [(n, n + "es") for n in ES_NOUNS] + \
          [(n, n[:-1] + "ies") for n in Y_NOUNS] + IRREGULAR_PLURALS

CATEGORIES = {
    "animal": "cat dog horse cow pig sheep lion tiger bear wolf fox rabbit mouse deer goat monkey elephant zebra camel frog".split(),
    "color": "red blue green yellow orange purple pink brown black white gray violet".split(),
    "fruit": "apple banana orange grape pear peach cherry lemon plum mango melon strawberry kiwi".split(),
    "vehicle": "car bus truck train plane boat bike ship taxi tractor van scooter helicopter".split(),
    "country": "france spain italy germany china japan india brazil canada mexico egypt kenya peru chile norway".split(),
    "number": "one two three four five six seven eight nine ten twelve twenty hundred".split(),
    "body part": "hand foot head arm leg nose ear eye mouth knee finger elbow shoulder".split(),
}
CATEGORY_ITEMS = []
for cat, words in CATEGORIES.items():
    for w in words:
        if not any(w == x for x, _ in CATEGORY_ITEMS):   # "orange" is both a color and a fruit: keep the first
            CATEGORY_ITEMS.append((w, cat))

IRREGULAR_PAST = [("go", "went"), ("eat", "ate"), ("see", "saw"), ("run", "ran"), ("take", "took"), ("give", "gave"),
                  ("come", "came"), ("write", "wrote"), ("sing", "sang"), ("drink", "drank"), ("swim", "swam"),
                  ("speak", "spoke"), ("break", "broke"), ("drive", "drove"), ("fly", "flew"), ("know", "knew"),
                  ("think", "thought"), ("buy", "bought"), ("bring", "brought"), ("teach", "taught"), ("sit", "sat"),
                  ("make", "made"), ("say", "said"), ("find", "found"), ("tell", "told"), ("sleep", "slept"),
                  ("feel", "felt"), ("keep", "kept"), ("leave", "left"), ("meet", "met")]
REGULAR_VERBS = ("walk talk jump play work cook clean open help call look want ask need paint kick pull push "
                 "climb watch listen answer fill wash start finish visit learn laugh rain turn count").split()
E_VERBS = "like love move smile dance close hope live bake use".split()
PAST = [(v, v + "ed") for v in REGULAR_VERBS] + [(v, v + "d") for v in E_VERBS] + IRREGULAR_PAST

UPPER_WORDS = sorted(set(NOUNS + [a for a, _ in ANTONYMS] + [b for _, b in ANTONYMS] + REGULAR_VERBS))
UPPERCASE = [(w, w.upper()) for w in UPPER_WORDS]

POSITIVE = "great wonderful good lovely excellent amazing happy fun delightful nice beautiful fantastic pleasant superb brilliant".split()
NEGATIVE = "terrible awful bad boring horrible sad ugly dreadful poor nasty dull disappointing unpleasant annoying miserable".split()
SUBJECTS = "the movie|the food|the weather|the book|the trip|the party|the game|the hotel|the song|the show|my day|the class|the meal|the concert|the service".split("|")
FRAMES = ["{s} was {a}", "{s} was really {a}", "i think {s} was {a}", "{s} is {a}", "what a {a} day", "{s} felt {a}",
          "honestly {s} was {a}", "{s} was very {a}"]


def _sentiment_items(rng):
    items = set()
    for s in SUBJECTS:
        for f in FRAMES:
            for a in POSITIVE:
                items.add((f.format(s=s, a=a), "positive"))
            for a in NEGATIVE:
                items.add((f.format(s=s, a=a), "negative"))
    items = sorted(items)
    rng.shuffle(items)
    return items


def _addition_items(rng):
    items = [(f"{a} + {b}", str(a + b)) for a in range(0, 21) for b in range(0, 21)]
    rng.shuffle(items)
    return items


def _sort_items(rng):
    items = set()
    while len(items) < 4000:
        n = rng.randint(3, 5)
        xs = rng.sample(range(10), n)
        items.add((" ".join(map(str, xs)), " ".join(map(str, sorted(xs)))))
    items = sorted(items)
    rng.shuffle(items)
    return items


# Zero-shot questions and instructions per task; the first of each list is the one the eval uses.
QUESTIONS = {
    "antonym": ["What is the opposite of {x}?", "Give the opposite of {x}.", "What word means the opposite of {x}?"],
    "plural": ["What is the plural of {x}?", "What is the plural form of {x}?", "Give the plural of {x}."],
    "category": ["What kind of thing is {x}?", "Which category does {x} belong to?", "{x} is a kind of what?"],
    "addition": ["What is {x}?", "How much is {x}?", "Compute {x}."],
    "sentiment": ["Is this positive or negative: {x}", "What is the sentiment of: {x}", "Positive or negative? {x}"],
    "uppercase": ["What is {x} in capital letters?", "Write {x} in uppercase.", "Spell {x} in capital letters."],
    "sort": ["Sort these numbers: {x}", "Put these numbers in order: {x}", "Sort from smallest to largest: {x}"],
    "past": ["What is the past tense of {x}?", "Give the past tense of {x}.", "What is the past form of {x}?"],
}
INSTRUCTIONS = {
    "antonym": ["Give the opposite of the word {x}.", "Write the antonym of {x}.", "What is the opposite of {x}? Answer with one word."],
    "plural": ["Write the plural of {x}.", "Give the plural form of the noun {x}.", "Make {x} plural."],
    "category": ["Name the category of {x}.", "What kind of thing is a {x}? Answer with the category.", "Classify the word {x}."],
    "addition": ["Add the numbers: {x}", "Calculate {x} and give only the result.", "What is {x}? Reply with the number."],
    "sentiment": ["Classify the sentiment of this sentence as positive or negative: {x}", "Is the following sentence positive or negative? {x}", "Sentiment (positive/negative): {x}"],
    "uppercase": ["Convert {x} to uppercase.", "Write the word {x} in capital letters.", "Uppercase this word: {x}"],
    "sort": ["Sort these numbers from smallest to largest: {x}", "Put the numbers in ascending order: {x}", "Sort: {x}"],
    "past": ["Give the past tense of the verb {x}.", "Write the past tense of {x}.", "Change {x} to the past tense."],
}
# Phase 1 (steps 0-1300) trained these eight tasks; uppercase, sort and past were held out of zero-shot only.
PHASE1_TASKS = ["antonym", "plural", "category", "addition", "sentiment", "uppercase", "sort", "past"]
PHASE1_HELD_OUT_OF_ZERO_SHOT = ["uppercase", "sort", "past"]

# Phase 2 (continued training, new mix): tasks a 1M-parameter model can learn with this tokenizer. Addition
# (0..20) and uppercase (spelling BPE tokens letter by letter) are dropped. reverse, next and first are new
# and appear in training ONLY as few-shot prompts (never a zero-shot question, never an instruction), so the
# model can do them only by inferring the task from the examples.
QUESTIONS.update({
    "reverse": ["Reverse these numbers: {x}", "Write these numbers in reverse order: {x}", "Reverse the list: {x}"],
    "next": ["What number comes after {x}?", "Which number follows {x}?", "What is the next number after {x}?"],
    "first": ["What is the first word in: {x}", "Which word comes first in: {x}", "Give the first word of: {x}"],
})
INSTRUCTIONS.update({
    "reverse": ["Reverse the order of these numbers: {x}", "Write the list backwards: {x}", "Reverse: {x}"],
    "next": ["Give the number that comes after {x}.", "Write the next number after {x}.", "Count one up from {x}."],
    "first": ["Give the first word of this list: {x}", "Which word is first? {x}", "First word: {x}"],
})
TASKS = ["antonym", "plural", "category", "sentiment", "sort", "past", "reverse", "next", "first"]
HELD_OUT_OF_ZERO_SHOT = ["reverse", "next", "first"]      # phase 2: seen in training only as few-shot prompts
TRAINED_TASKS = [t for t in TASKS if t not in HELD_OUT_OF_ZERO_SHOT]
# Phase-2 mix: task weights (weak lexical tasks oversampled) and style weights for the trained tasks.
PHASE2_TASK_WEIGHTS = {"antonym": 1.0, "plural": 2.2, "category": 2.2, "sentiment": 0.4, "sort": 0.5, "past": 0.7,
                       "reverse": 1.2, "next": 0.8, "first": 0.8}
PHASE2_STYLE_WEIGHTS = {"zero-shot": 0.3, "few-shot": 0.2, "instruction": 0.5}
STYLES = ["zero-shot", "few-shot", "instruction"]
# Lexical tasks: the answer is a fact from a table, so eval items are table entries seen in training, asked in
# prompts (few-shot demonstrations, combinations) never seen in training. Generative tasks hold out whole items.
ITEM_HELD_OUT = {"addition", "sentiment", "sort", "reverse", "first"}


def _reverse_items(rng):
    items = set()
    while len(items) < 3000:
        xs = rng.sample(range(10), rng.randint(3, 5))
        items.add((" ".join(map(str, xs)), " ".join(map(str, reversed(xs)))))
    items = sorted(items)
    rng.shuffle(items)
    return items


def _first_items(rng):
    nouns = sorted(set(NOUNS))
    items = set()
    while len(items) < 3000:
        xs = rng.sample(nouns, 3)
        items.add((" ".join(xs), xs[0]))
    items = sorted(items)
    rng.shuffle(items)
    return items


def task_items(seed=1234):
    """{task: (train_items, eval_items)}. Deterministic for a seed."""
    rng = random.Random(seed)
    tables = {"antonym": ANTONYMS, "plural": PLURALS, "category": CATEGORY_ITEMS, "uppercase": UPPERCASE, "past": PAST}
    out = {}
    for task, items in tables.items():
        items = list(items)
        ev = rng.sample(items, min(40, len(items)))
        out[task] = (items, ev)
    for task, make in (("addition", _addition_items), ("sentiment", _sentiment_items), ("sort", _sort_items)):
        items = make(rng)
        ev = items[:50]
        out[task] = (items[50:], ev)
    # Phase-2 tasks: drawn after the phase-1 ones, so the phase-1 items (and data) are unchanged.
    nxt = [(str(n), str(n + 1)) for n in range(0, 40)]
    out["next"] = (nxt, rng.sample(nxt, 30))
    for task, make in (("reverse", _reverse_items), ("first", _first_items)):
        items = make(rng)
        out[task] = (items[50:], items[:50])
    return out


def user(text):
    """The chat template with one user message and the generation prompt (tokenizer_config.json)."""
    return f"<|user|> {text}<|end|>\n<|assistant|>"


def render(task, style, x, y, rng, demos=None, template=None, with_answer=True):
    """Renders one item. Returns (prompt, completion). The completion is what the model should write."""
    if style == "zero-shot":
        qs = QUESTIONS[task]
        q = (qs[template] if template is not None else rng.choice(qs)).format(x=x)
        return f"Q: {q}\nA:", f" {y}"
    if style == "instruction":
        ins = INSTRUCTIONS[task]
        q = (ins[template] if template is not None else rng.choice(ins)).format(x=x)
        return user(q), f" {y}<|end|>"
    if style == "few-shot":
        lines = "".join(f"Input: {dx}\nOutput: {dy}\n" for dx, dy in demos)
        return f"{lines}Input: {x}\nOutput:", f" {y}"
    raise ValueError(style)


def sample_doc(rng, items, task, style):
    """One training document (prompt + completion) for a task in a style."""
    train = items[task][0]
    x, y = rng.choice(train)
    demos = None
    if style == "few-shot":
        k = rng.randint(2, 5)
        demos = []
        while len(demos) < k:
            d = rng.choice(train)
            if d[0] != x and d not in demos:
                demos.append(d)
    p, c = render(task, style, x, y, rng, demos=demos)
    return p + c


def task_doc_phase1(rng, items):
    task = rng.choice(PHASE1_TASKS)
    styles = STYLES if task not in PHASE1_HELD_OUT_OF_ZERO_SHOT else ["few-shot", "instruction"]
    return sample_doc(rng, items, task, rng.choice(styles))


def task_doc_phase2(rng, items):
    task = rng.choices(TASKS, weights=[PHASE2_TASK_WEIGHTS[t] for t in TASKS])[0]
    if task in HELD_OUT_OF_ZERO_SHOT:
        style = "few-shot"
    else:
        style = rng.choices(STYLES, weights=[PHASE2_STYLE_WEIGHTS[s] for s in STYLES])[0]
    return sample_doc(rng, items, task, style)


def eval_prompts(items, seed=99, k=4):
    """Held-out eval prompts: list of dicts(task, style, prompt, answer). Few-shot demos come from the train items."""
    rng = random.Random(seed)
    out = []
    for task in TASKS:
        train, ev = items[task]
        for style in STYLES:
            for x, y in ev:
                demos = None
                if style == "few-shot":
                    demos = []
                    while len(demos) < k:
                        d = rng.choice(train)
                        if d[0] != x and d not in demos:
                            demos.append(d)
                p, _ = render(task, style, x, y, rng, demos=demos, template=0)
                out.append({"task": task, "style": style, "prompt": p, "answer": y, "input": x, "demos": demos})
    return out


# v2 mix (train_v2.py): the phase-2 tasks, with sort and reverse balanced as few-shot prompts. In phase 2 few-shot
# digit lists were mostly reverse (sort 0.5 x 20% few-shot vs reverse 1.2 x 100%) and the model learned to reverse
# every few-shot digit list; here sort is few-shot in 60% of its documents, 1.0 x 0.6 = reverse's 0.6 x 1.0.
V2_TASK_WEIGHTS = {"antonym": 1.0, "plural": 1.6, "category": 1.6, "sentiment": 0.6, "sort": 1.0, "past": 1.0,
                   "reverse": 0.6, "next": 0.6, "first": 0.6}
V2_STYLE_WEIGHTS = {"zero-shot": 0.3, "few-shot": 0.25, "instruction": 0.45}
V2_SORT_STYLE_WEIGHTS = {"zero-shot": 0.2, "few-shot": 0.6, "instruction": 0.2}


def task_doc_v2(rng, items):
    task = rng.choices(TASKS, weights=[V2_TASK_WEIGHTS[t] for t in TASKS])[0]
    if task in HELD_OUT_OF_ZERO_SHOT:
        style = "few-shot"
    else:
        w = V2_SORT_STYLE_WEIGHTS if task == "sort" else V2_STYLE_WEIGHTS
        style = rng.choices(STYLES, weights=[w[s] for s in STYLES])[0]
    return sample_doc(rng, items, task, style)
