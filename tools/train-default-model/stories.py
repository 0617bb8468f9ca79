"""Seeded generators of simple stories, dialogues and TL;DR summaries for the v2 default model.

TinyStories (Eldan & Li, 2023) showed that models of a few million parameters write coherent text when the
training text uses a small vocabulary and a simple, consistent structure. The generator here builds every story
from a *plan* (who, where, what, the goal, the obstacle, the helper, the outcome) and then renders the plan with
randomly chosen sentence templates, so
  - the same entities (name, pronoun, object, place, helper) are carried through the whole story,
  - each part of a story (opening, setting, goal, attempt, obstacle, feelings, help, ending, moral) has several
    templates, and seven plot kinds each have their own, so the text is not one template,
  - the words come from about 840 common English words (all in /usr/share/dict/words).
A TL;DR summary is rendered from the same plan, so it always names the main character and the outcome.
Dialogues are two named speakers taking turns, one `Name: text` line per turn, either small talk on a topic or a
talk about a story plan.

Held-out eval items (never in training): `heldout(seed)` draws plans from their own seed; their keys (hero name,
plot kind, object, place) are excluded from the training generator (`Generator(seed, exclude=...)`).
"""
import random
import re

# ---------------------------------------------------------------- entities

GIRLS = ("Lily Mia Anna Lucy Emma Sara Zoe Ella Amy Kate Rose Jane Ruby Molly Grace Nora Daisy Sophie Chloe Hannah "
         "Alice Ivy Maya Lena Julia Clara Eva Nina Rosie Sally Tina Lisa Jenny Susan Sue Meg Beth Kim").split()
BOYS = ("Tom Ben Max Sam Jack Leo Tim Jake Finn Noah Luke Owen Adam Dan Alex Ryan Oscar Henry Eli Milo Joe Nick "
        "Paul Mark Peter Bob Toby Oliver Jim Ted Fred Harry Charlie Bill Eddie").split()
PET_NAMES = "Buddy Bella Rex Ginger Daisy Max Molly Lucy Charlie Rosie Toby Oscar".split()

# Kinds of main character: (noun, adjectives that fit, places that fit). Children go anywhere; animals stay outdoors.
KINDS = {
    "girl": ("girl", ["little", "kind", "happy", "curious", "brave", "shy", "clever"]),
    "boy": ("boy", ["little", "kind", "happy", "curious", "brave", "shy", "clever"]),
    "bunny": ("bunny", ["little", "fluffy", "white", "brown", "quick"]),
    "puppy": ("puppy", ["little", "playful", "brown", "happy", "small"]),
    "kitten": ("kitten", ["little", "soft", "gray", "curious", "small"]),
    "bird": ("bird", ["little", "blue", "small", "happy", "young"]),
    "bear": ("bear", ["little", "big", "brown", "friendly", "young"]),
    "fox": ("fox", ["little", "red", "clever", "young", "quick"]),
    "mouse": ("mouse", ["little", "tiny", "gray", "brave", "small"]),
    "duck": ("duck", ["little", "yellow", "small", "happy", "young"]),
    "squirrel": ("squirrel", ["little", "busy", "brown", "quick", "small"]),
    "frog": ("frog", ["little", "green", "small", "happy", "young"]),
}
ANIMAL_KINDS = [k for k in KINDS if k not in ("girl", "boy")]

# Places: (phrase, things seen there). Animal heroes only use the outdoor ones.
PLACES = {
    "park": ("the park", ["a big tree", "a swing", "a small pond", "green grass", "a long slide", "a bench"]),
    "garden": ("the garden", ["pretty flowers", "a little fence", "tall plants", "a bird bath", "red roses"]),
    "beach": ("the beach", ["soft sand", "big waves", "shiny shells", "a crab", "the blue sea"]),
    "forest": ("the forest", ["tall trees", "a little path", "green leaves", "a quiet stream", "big rocks"]),
    "farm": ("the farm", ["a red barn", "a big field", "cows and pigs", "a tall fence", "hay"]),
    "meadow": ("the meadow", ["tall grass", "yellow flowers", "busy bees", "a small hill", "butterflies"]),
    "lake": ("the lake", ["calm water", "a wooden dock", "little fish", "green reeds", "a small boat"]),
    "hill": ("the hill", ["a tall tree", "soft grass", "a big rock", "a little path", "white clouds"]),
    "school": ("school", ["a big classroom", "many books", "a playground", "colorful pictures", "a kind teacher"]),
    "house": ("the house", ["a warm kitchen", "a big sofa", "a soft rug", "a tall window", "many toys"]),
    "town": ("the town", ["small shops", "a busy street", "a bakery", "a fountain", "many people"]),
    "zoo": ("the zoo", ["lions and tigers", "a tall giraffe", "funny monkeys", "a big elephant", "a pond with ducks"]),
    "playground": ("the playground", ["a long slide", "two swings", "a sandbox", "a climbing frame", "other children"]),
    "river": ("the river", ["fast water", "smooth stones", "a little bridge", "green moss", "jumping fish"]),
}
OUTDOOR = ["park", "garden", "beach", "forest", "farm", "meadow", "lake", "hill", "river"]
HIDING_SPOTS = ["under a bush", "behind a big rock", "in the tall grass", "under a pile of leaves", "next to a tree",
                "under a bench", "behind the fence", "in a little hole", "under the slide", "near the water"]

COLORS = ["red", "blue", "green", "yellow", "pink", "purple", "orange", "white", "brown", "shiny"]
# Objects a character can own, lose or share: (noun, colors make sense).
OBJECTS = [("ball", True), ("kite", True), ("hat", True), ("teddy bear", False), ("toy car", True), ("doll", False),
           ("book", True), ("scarf", True), ("toy boat", True), ("drum", True), ("bucket", True), ("shoe", True),
           ("ribbon", True), ("rock", False), ("shell", False), ("crayon", True), ("cup", True), ("balloon", True),
           ("toy train", True), ("blanket", True), ("box", True), ("flower", True), ("feather", True), ("key", False)]
ANIMAL_OBJECTS = [("acorn", False), ("nut", False), ("berry", True), ("feather", True), ("leaf", True),
                  ("shell", False), ("stick", False), ("flower", True), ("pebble", True), ("ball", True)]

TIMES = ["One day", "One sunny morning", "One day in the spring", "One warm afternoon", "One cold winter day",
         "One morning", "Early one morning", "One evening", "On a bright summer day", "One windy day",
         "One rainy day", "After lunch one day", "On a cloudy day", "One Saturday"]
HAPPY = ["happy", "glad", "excited", "proud", "joyful"]
SAD = ["sad", "upset", "worried", "unhappy"]


class Hero:
    """A character with a name and the pronouns that go with it."""

    def __init__(self, name, kind, female, adj=None):
        self.name, self.kind, self.female, self.adj = name, kind, female, adj
        self.he, self.his, self.him = ("she", "her", "her") if female else ("he", "his", "him")

    def slots(self, prefix):
        return {prefix: self.name, prefix + "he": self.he, prefix + "his": self.his, prefix + "him": self.him,
                prefix + "kind": self.kind}


_SENT = re.compile(r"([.!?] )([a-z])")


def cap(s):
    """Capitalizes the first letter and every letter after '. ', '! ' or '? ' (not after a closing quote:
    '"Why?" asked Mom' keeps its lowercase)."""
    s = s[:1].upper() + s[1:]
    return _SENT.sub(lambda m: m.group(1) + m.group(2).upper(), s)


def article(word):
    return ("an " if word[0] in "aeiou" else "a ") + word


# ---------------------------------------------------------------- plans

PLOTS = ["lost", "build", "learn", "help", "share", "journey", "fear"]


class Plan:
    """Everything a story is about; rendered by render_story / summary / story_dialogue."""

    def key(self):
        return (self.hero.name, self.plot, self.obj, self.place)


def draw_plan(rng):
    p = Plan()
    kind = rng.choice(["girl", "boy"] * 3 + ANIMAL_KINDS)     # children in about 1/3 .. 1/2 of the stories
    if kind in ("girl", "boy"):
        female = kind == "girl"
        name = rng.choice(GIRLS if female else BOYS)
        place = rng.choice(list(PLACES))
        objs = OBJECTS
    else:
        female = rng.random() < 0.5
        name = rng.choice(GIRLS + BOYS + PET_NAMES)
        female = name in GIRLS or (name not in BOYS and female)
        place = rng.choice(OUTDOOR)
        objs = ANIMAL_OBJECTS
    p.hero = Hero(name, KINDS[kind][0], female, rng.choice(KINDS[kind][1]))
    p.animal = kind in ANIMAL_KINDS
    # The helper: a parent, a grandparent or a friend of the same sort (another child or another animal).
    if p.animal:
        fkind = rng.choice([k for k in ANIMAL_KINDS if k != kind])
        fname = rng.choice([n for n in GIRLS + BOYS if n != name])
        p.friend = Hero(fname, KINDS[fkind][0], fname in GIRLS, rng.choice(KINDS[fkind][1]))
        p.parent = Hero(rng.choice(["Mom", "Dad"]), KINDS[kind][0], None)
    else:
        fname = rng.choice([n for n in GIRLS + BOYS if n != name])
        p.friend = Hero(fname, "girl" if fname in GIRLS else "boy", fname in GIRLS, rng.choice(KINDS["girl"][1]))
        p.parent = Hero(rng.choice(["Mom", "Dad", "Grandma", "Grandpa"]), "", None)
    p.parent.female = p.parent.name in ("Mom", "Grandma")
    p.parent.he, p.parent.his, p.parent.him = ("she", "her", "her") if p.parent.female else ("he", "his", "him")
    p.plot = rng.choice(PLOTS)
    noun, colored = rng.choice(objs)
    p.obj = noun
    p.color = rng.choice(COLORS) if colored and rng.random() < 0.8 else rng.choice(["little", "old", "new", "special", "favorite"])
    p.place = place
    p.success = rng.random() < 0.8            # most stories end well; some end with a lesson instead
    p.time = rng.choice(TIMES)
    p.sight = rng.choice(PLACES[place][1])
    p.helper_is_parent = rng.random() < 0.4
    return p


# ---------------------------------------------------------------- rendering helpers

class Writer:
    """Collects sentences; `say` picks one of several templates and fills the plan's slots."""

    def __init__(self, p, rng):
        self.p, self.rng, self.out = p, rng, []
        h = p.hero
        helper = p.parent if p.helper_is_parent else p.friend
        self.helper = helper
        self.s = {**h.slots("H"), **p.friend.slots("F"), **helper.slots("X"),
                  "O": p.obj, "C": p.color, "CO": f"{p.color} {p.obj}", "aCO": article(f"{p.color} {p.obj}"),
                  "P": PLACES[p.place][0], "sight": p.sight, "adj": h.adj,
                  "aHkind": article(f"{h.adj} {h.kind}"), "aFkind": article(p.friend.kind),
                  "parent": p.parent.name, "Pa": p.parent.name,
                  "hp": rng.choice(HAPPY), "sd": rng.choice(SAD)}
        # How others refer to the helper in narration: "her mom", or a friend's name.
        if p.helper_is_parent:
            rel = p.parent.name.lower()
            self.s["X"] = f"{h.his} {rel}"
            self.s["Xname"] = p.parent.name
        else:
            self.s["Xname"] = helper.name

    def say(self, *templates, **extra):
        t = self.rng.choice(templates)
        self.out.append(cap(t.format(**{**self.s, **extra})))

    def maybe(self, prob, *templates, **extra):
        if self.rng.random() < prob:
            self.say(*templates, **extra)

    def para(self):
        """Starts a new paragraph (a blank line) unless the story is empty."""
        if self.out and self.out[-1] != "\n":
            self.out.append("\n")

    def text(self):
        parts, line = [], []
        for s in self.out:
            if s == "\n":
                parts.append(" ".join(line))
                line = []
            else:
                line.append(s)
        if line:
            parts.append(" ".join(line))
        return "\n\n".join(x for x in parts if x)


CHILD_LIKES = ["to draw pictures", "to sing songs", "to read books", "to play with blocks", "to pick flowers",
               "to watch the clouds", "to splash in puddles", "to run in the grass", "to play hide and seek",
               "to look at the stars", "to help in the kitchen", "to dance", "to collect stones", "to build things",
               "to paint", "to climb trees", "to listen to stories", "to ride {Hhis} bike", "to play with {Hhis} dog",
               "to bake cookies", "to count the birds", "to make things out of paper", "to play music"]
ANIMAL_LIKES = ["to hop in the grass", "to eat sweet berries", "to swim in the pond", "to chase butterflies",
                "to nap in the sun", "to dig little holes", "to sing in the trees", "to climb up high", "to run fast",
                "to look for nuts", "to play with the other animals", "to smell the flowers", "to splash in the stream"]
TRAITS = ["kind", "funny", "gentle", "busy", "quiet", "smart", "polite", "silly", "helpful", "brave", "shy", "curious",
          "friendly", "cheerful", "careful", "clever", "playful", "honest"]
CHILD_HOMES = ["a little house with a red door", "a big house near the park", "a small house with a garden",
               "a white house on a quiet street", "a cozy house by the river", "a farmhouse near the fields",
               "a yellow house at the end of the road"]
ANIMAL_HOMES = ["a warm hole under a tree", "a cozy nest", "a little den near the stream", "a hollow log",
                "a burrow in the meadow", "a small home between the rocks"]
SOUNDS = ["the birds singing", "the wind in the trees", "children laughing", "a dog barking far away",
          "water splashing", "bees buzzing", "leaves moving in the wind", "a frog croaking"]
SMELLS = ["fresh bread", "flowers", "rain", "fresh grass", "the sea", "pine trees", "warm cookies"]
FOODS = ["a bowl of oats", "bread with honey", "an apple", "pancakes", "eggs and toast", "a banana", "warm milk"]
ANIMAL_FOODS = ["some seeds", "a few berries", "a sweet carrot", "some nuts", "a green leaf", "a piece of apple"]


def opening(w):
    a = w.p.animal
    w.s.update(likes=w.rng.choice(ANIMAL_LIKES if a else CHILD_LIKES).format(**w.s),
               t1=w.rng.choice(TRAITS), t2=w.rng.choice(TRAITS), home=w.rng.choice(ANIMAL_HOMES if a else CHILD_HOMES),
               food=w.rng.choice(ANIMAL_FOODS if a else FOODS), sound=w.rng.choice(SOUNDS), smell=w.rng.choice(SMELLS))
    w.say("Once upon a time, there was {aHkind} named {H}.",
          "Once upon a time, there was {aHkind} called {H}.",
          "There once was {aHkind} named {H}.",
          "{H} was {aHkind}.",
          "Once there was {aHkind}. {Hhis} name was {H}.",
          "In a small town, there lived {aHkind} named {H}.",
          "Not long ago, there was {aHkind} named {H}.")
    w.maybe(0.8, "{H} loved to play at {P}.", "{Hhe} liked to go to {P} every day.",
            "{Hhe} had {aCO} that {Hhe} loved very much.", "{Hhe} loved {Hhis} {CO} more than anything.",
            "{Hhe} was always {hp} when {Hhe} could play outside.", "{Hhe} liked to run, jump and sing.",
            "Every day, {Hhe} played with {Hhis} friend {F}.", "{Hhe} had a good friend named {F}.",
          "{Hhe} liked {likes}.", "More than anything, {H} loved {likes}.")
    w.maybe(0.4, "{Hhe} lived with {Hhis} family in {home}.", "{H} lived in {home}.",
            "{H} was {t1} and {t2}.", "Everyone said that {H} was very {t1}.", "{Hhe} was a {t1} {Hkind}.")


def setting(w, go=True):
    if go:
        w.say("{time}, {H} went to {P}.", "{time}, {H} walked to {P}.",
              "{time}, {H} decided to go to {P}.", "{time}, {H} was playing at {P}.",
              "{time}, {Hhe} went to play at {P}.", time=w.p.time)
    w.maybe(0.6, "There was {sight} there.", "{Hhe} saw {sight}.", "At {P}, there was {sight}.",
            "{Hhe} looked around and saw {sight}.", "{P} had {sight}, and {H} liked it very much.")
    w.maybe(0.3, "{Hhe} could hear {sound}.", "It smelled like {smell}.", "Before that, {Hhe} had eaten {food}.",
            "{Hhe} listened to {sound}.")
    w.maybe(0.3, "The sun was warm and the sky was blue.", "The wind was soft and cool.",
            "The birds were singing in the trees.", "It was a beautiful day.", "Everything was quiet and calm.")


def ending(w, good=True):
    if good:
        w.say("From that day on, {H} {lesson}.", "After that, {H} {lesson}.", "{H} smiled. It was the best day ever.",
              "That night, {H} went to sleep with a big smile.", "{H} and {Xname} went home, tired and {hp}.",
              "{H} felt {hp} all day long.", "It was a very good day for {H}.", "And {H} was never {sd} about it again.",
              lesson=w.lesson)
    else:
        w.say("{H} learned that {moral}.", "From that day on, {H} knew that {moral}.",
              "It was not a perfect day, but {H} learned that {moral}.", "{H} was still a little {sd}, but {Hhe} knew that {moral}.",
              moral=w.moral)


# ---------------------------------------------------------------- plots
# Each plot renders its middle (goal, attempt, obstacle, feelings, help, outcome) and returns the outcome
# phrase the summary uses: "... {outcome}".

def plot_lost(w):
    p = w.p
    w.lesson = w.rng.choice(["always kept {Hhis} {O} close", "was careful with {Hhis} {O}", "never lost {Hhis} {O} again"]).format(**w.s)
    w.moral = w.rng.choice(["it is good to be careful with the things you love", "things can be lost in a moment",
                            "friends can make a sad day better"])
    setting(w)
    w.say("{Hhe} brought {Hhis} {CO} with {Hhim}.", "{Hhe} had taken {Hhis} {CO} along.", "{Hhe} played with {Hhis} {CO} for a long time.",
          "{Hhe} took {Hhis} {CO} to play.", "{Hhe} had {Hhis} {CO} in {Hhis} hands.")
    w.say("But when {Hhe} looked again, the {O} was gone!", "Then {Hhe} put the {O} down to look at a butterfly. When {Hhe} turned back, it was gone!",
          "Suddenly, {Hhe} could not find {Hhis} {O}.", "After a while, {Hhe} saw that {Hhis} {O} was not there anymore.")
    w.say("{H} felt very {sd}.", "{H} was so {sd} that {Hhe} started to cry.", "\"Where is my {O}?\" {H} cried.",
          "{H} was {sd}. {Hhe} loved that {O}.")
    w.say("{Hhe} looked under the trees and behind the rocks.", "{Hhe} looked everywhere, but {Hhe} could not find it.",
          "{Hhe} searched and searched.", "{Hhe} looked high and low for {Hhis} {O}.")
    w.para()
    w.say("Then {X} came to {Hhim}.", "Just then, {X} saw {Hhim}.", "Soon, {X} came by.")
    w.say("\"Why are you {sd}?\" asked {Xname}.", "\"What is wrong, {H}?\" {Xhe} asked.", "\"Do you need help?\" {Xname} asked.")
    w.say("\"I lost my {CO},\" said {H}.", "{H} told {Xhim} about the {O}.", "\"My {O} is gone,\" {H} said sadly.")
    w.say("\"I will help you look,\" said {Xname}.", "\"Let us look together,\" {Xhe} said.", "\"Do not worry. We will find it,\" said {Xname}.")
    spot = w.rng.choice(HIDING_SPOTS)
    if p.success:
        w.say("They looked together, and soon {Xname} saw something {C} {spot}.", "They looked {spot}, and there it was!",
              "At last, {H} found the {O} {spot}.", spot=spot)
        w.say("\"My {O}!\" said {H}. \"Thank you, {Xname}!\"", "{H} hugged {Hhis} {O} and thanked {Xname}.",
              "{H} was so {hp}. {Hhe} gave {Xname} a big hug.")
        w.para()
        ending(w, True)
        return ("lost {Hhis} {CO} at {P}, and {how} found it {spot}".format(
            **w.s, spot=spot, how=w.rng.choice(["with help from {Xname} {Hhe}", "{Xname} helped {Hhim} until {Hhe}"]).format(**w.s)))
    w.say("They looked until the sun went down, but the {O} was gone.", "They looked for a long time, but they did not find it.")
    w.say("{Xname} gave {H} a hug.", "\"I am sorry,\" said {Xname}, and {Xhe} held {Hhis} hand.")
    w.para()
    ending(w, False)
    return "lost {Hhis} {CO} at {P} and never found it, but {Xname} made {Hhim} feel better".format(**w.s)


BUILDS = {  # thing: (where it fits, what breaks it, how it is fixed)
    "sand castle": (["beach"], "a big wave", "built it again farther from the water"),
    "tower of blocks": (["house", "school"], "the cat", "built it again, even taller"),
    "cake": (["house"], "the oven", "baked a new one together"),
    "snowman": (["park", "garden", "hill", "farm"], "the warm sun", "made a new one in the shade"),
    "little boat": (["lake", "river", "beach"], "the water", "fixed it with more wood"),
    "nest": (["forest", "garden", "meadow", "park"], "the strong wind", "made a new one in a safer branch"),
    "card for Mom": (["house", "school"], "spilled juice", "made a new card"),
    "house of sticks": (["forest", "meadow", "park", "garden"], "the wind", "built it again with bigger sticks"),
    "kite": (["house", "park", "hill", "meadow"], "a tree branch", "fixed it with tape"),
    "garden": (["garden", "farm"], "the hungry birds", "put up a little fence"),
}


def plot_build(w):
    p = w.p
    fits = [b for b, (places, _, _) in BUILDS.items() if p.place in places] or ["house of sticks"]
    thing = w.rng.choice(fits)
    _, breaker, fix = BUILDS[thing]
    w.s.update(T=thing, breaker=breaker, fix=fix)
    w.lesson = w.rng.choice(["loved to make things", "knew that trying again is worth it", "never gave up"])
    w.moral = w.rng.choice(["not everything works the first time", "it is fine to feel sad when things break",
                            "next time {Hhe} could try again".format(**w.s)])
    setting(w)
    w.say("{Hhe} wanted to make {aT}.", "{H} had an idea. {Hhe} would make {aT}!", "{Hhe} wanted to build the best {T} ever.",
          "\"I will make {aT},\" {H} said.", aT=article(thing))
    w.say("{Hhe} worked hard for a long time.", "{Hhe} worked and worked.", "It took a long time, but {Hhe} did not stop.",
          "First {Hhe} made the bottom, then the top.")
    w.say("Soon the {T} was ready. {H} was very proud.", "At last, the {T} was done. It looked wonderful.",
          "The {T} was big and beautiful.")
    w.para()
    w.say("But then, {breaker} ruined the {T}!", "Oh no! {breaker} broke the {T}.", "Suddenly, {breaker} came and the {T} was ruined.",
          breaker=breaker)
    w.say("{H} felt very {sd}.", "{H} sat down and cried.", "\"My {T}!\" cried {H}.", "{H} was so {sd} that {Hhe} wanted to go home.")
    w.say("{X} saw {Hhim} and came over.", "Then {X} came to see what was wrong.", "{X} sat down next to {Hhim}.")
    if p.success:
        w.say("\"Let us try again,\" said {Xname}. \"I will help you.\"", "\"Do not give up,\" said {Xname}. \"We can do it together.\"",
              "\"We can make it again, and it will be even better,\" said {Xname}.")
        w.say("So they {fix}.", "Together, they {fix}.", "{H} smiled, and they {fix}.")
        w.say("This time, the {T} was even better than before.", "The new {T} was the best one yet.", "It was perfect.")
        w.para()
        ending(w, True)
        return "made {aT} that {breaker} ruined, but {how} {fix}".format(
            **w.s, aT=article(thing), how=w.rng.choice(["with help from {Xname} {Hhe}", "{Hhe} and {Xname}"]).format(**w.s))
    w.say("\"We can try again tomorrow,\" said {Xname}.", "\"It is fine to be sad,\" said {Xname}. \"You did a good job.\"")
    w.say("But {H} was too tired to start again.", "{H} nodded, but {Hhe} did not want to try again today.")
    w.para()
    ending(w, False)
    return "made {aT} that {breaker} ruined, and {Hhe} did not make it again that day".format(**w.s, aT=article(thing))


SKILLS = {  # skill: (places, obstacle, feeling word)
    "ride a bike": (["park", "town", "playground"], "{Hhe} fell down and hurt {Hhis} knee", "scared"),
    "swim": (["lake", "beach", "river"], "the water was cold and deep", "afraid"),
    "climb a tree": (["park", "forest", "garden", "hill"], "{Hhis} foot slipped on a branch", "scared"),
    "fly a kite": (["hill", "meadow", "beach", "park"], "the kite fell down again and again", "upset"),
    "jump rope": (["playground", "school", "park"], "{Hhe} tripped on the rope", "upset"),
    "read a book": (["school", "house"], "the words were long and hard", "upset"),
    "fly": (["forest", "meadow", "hill", "garden"], "{Hhe} fell into the soft grass", "scared"),
    "catch a fish": (["lake", "river"], "the fish swam away every time", "upset"),
    "whistle": (["house", "farm", "garden"], "only air came out", "upset"),
    "dig a hole": (["garden", "meadow", "forest", "beach"], "the ground was hard", "tired"),
}


def plot_learn(w):
    p = w.p
    fits = [s for s, (places, _, _) in SKILLS.items() if p.place in places and (s != "fly" or p.hero.kind == "bird")]
    skill = w.rng.choice(fits or ["jump rope"])
    _, obstacle, feel = SKILLS[skill]
    w.s.update(K=skill, obst=obstacle.format(**w.s), feel=feel)
    w.lesson = w.rng.choice(["practiced every day", "knew that practice helps", "was not afraid to try new things"])
    w.moral = w.rng.choice(["learning takes time", "it is fine to try again another day", "everyone learns at their own speed"])
    setting(w)
    w.say("{H} wanted to learn to {K}.", "{H} saw others {Ks} and wanted to learn it too.", "{Hhe} had always wanted to {K}.",
          "\"Today I will learn to {K},\" said {H}.", Ks=ing(skill))
    w.say("{Hhe} tried, but {obst}.", "{Hhe} tried very hard. But {obst}.", "It was not easy. {obst}.")
    w.say("{H} felt {feel}.", "{H} was {feel} and wanted to stop.", "\"I can not do it,\" said {H}. {Hhe} felt {feel}.")
    w.para()
    w.say("{X} came and sat with {Hhim}.", "Then {X} came to help.", "{X} saw what happened.")
    w.say("\"Everyone falls at first,\" said {Xname}. \"Try again, slowly.\"", "\"You can do it,\" said {Xname}. \"I will stay with you.\"",
          "\"Do not give up,\" said {Xname}. \"Let me show you.\"")
    if p.success:
        w.say("{H} tried again, and again.", "So {H} took a deep breath and tried one more time.", "{H} practiced for a long time.")
        w.say("At last, {Hhe} could {K}!", "This time it worked! {H} could {K}.", "Soon {H} was able to {K} all by {Hhim}self.")
        w.say("\"I did it!\" shouted {H}.", "{H} laughed and laughed.", "{H} felt so {hp}.")
        w.para()
        ending(w, True)
        return "wanted to learn to {K}, and after {Xname} helped {Hhim} {Hhe} finally could".format(**w.s)
    w.say("{H} tried again, but it was still too hard.", "{H} tried a few more times, but {obst}.")
    w.say("\"We will try again tomorrow,\" said {Xname}.", "{Xname} said that tomorrow was a new day.")
    w.para()
    ending(w, False)
    return "tried to learn to {K} but could not do it yet, so {Hhe} will try again another day".format(**w.s)


def ing(verb_phrase):
    v, _, rest = verb_phrase.partition(" ")
    v = {"ride": "riding", "swim": "swimming", "dig": "digging", "whistle": "whistling"}.get(v, v + "ing")
    return (v + " " + rest).strip()


TROUBLES = [  # (who, trouble, what the hero does, where)
    ("a little bird", "had a hurt wing", "made it a soft bed of leaves and gave it water", None),
    ("a small kitten", "was stuck up in a tree", "asked for help and they got it down together", ["park", "garden", "forest", "house"]),
    ("a little puppy", "was lost and crying", "helped it find its home", ["park", "town", "farm", "meadow"]),
    ("an old turtle", "was stuck on its back", "gently turned it over", ["lake", "river", "beach", "garden"]),
    ("a baby duck", "could not find its mother", "walked with it to the pond where its mother was", ["lake", "farm", "park", "river"]),
    ("a little boy", "had dropped all his apples", "helped him pick them up", ["town", "farm", "park", "school"]),
    ("a little girl", "was sad because nobody played with her", "asked her to play", ["playground", "school", "park"]),
    ("a tiny ant", "could not carry a big crumb", "carried the crumb to its home", None),
    ("a young deer", "was caught in a bush", "pulled the branches away", ["forest", "meadow", "hill"]),
]


def plot_help(w):
    p = w.p
    fits = [t for t in TROUBLES if t[3] is None or p.place in t[3]]
    who, trouble, act, _ = w.rng.choice(fits)
    bare = who.split(" ", 1)[1]
    w.s.update(who=who, bare=bare, trouble=trouble, act=act)
    w.lesson = w.rng.choice(["always helped others", "knew that being kind is important", "looked for ways to help"])
    w.moral = w.rng.choice(["some things need a grown-up", "trying to help is always good", "being kind matters even when it is hard"])
    setting(w)
    w.say("Then {Hhe} heard a small sound.", "Suddenly, {Hhe} saw {who}.", "As {Hhe} walked, {Hhe} saw something move.")
    w.say("It was {who}. It {trouble}.", "{cwho} {trouble}.", "{H} saw that {who} {trouble}.", cwho=cap(who))
    w.say("{H} felt sorry for the {bare}.", "\"Oh no,\" said {H}. \"I must help.\"", "{H} wanted to help right away.")
    w.para()
    if p.success:
        w.maybe(0.6, "{Hhe} called {X}, and {Xhe} came to help.", "{X} was there too, and {Xhe} said {Xhe} would help.")
        w.say("{H} {act}.", "Carefully, {H} {act}.", "{H} was gentle. {Hhe} {act}.")
        w.say("The {bare} was safe now.", "Soon the {bare} was fine.", "The {bare} looked at {H} as if to say thank you.")
        w.say("{H} felt warm and {hp} inside.", "{H} smiled. Helping felt good.", "{H} was {hp} that {Hhe} could help.")
        w.para()
        ending(w, True)
        return "found {who} that {trouble}, and {Hhe} {act}".format(**w.s)
    w.say("{Hhe} tried to help, but {Hhe} was too small.", "{Hhe} tried and tried, but {Hhe} could not do it alone.")
    w.say("So {Hhe} ran to get {X}, and {Xhe} took care of the {bare}.", "{Hhe} called {X}, who knew what to do.")
    w.para()
    ending(w, False)
    return "found {who} that {trouble}, and because {Hhe} could not help alone {Hhe} got {X}".format(**w.s)


def plot_share(w):
    p = w.p
    w.s["X"] = p.friend.name      # sharing is always with the friend
    w.s["Xname"] = p.friend.name
    w.s.update({k.replace("F", "X", 1): v for k, v in p.friend.slots("F").items() if k != "F"})
    w.lesson = w.rng.choice(["always shared {Hhis} toys", "knew that sharing is more fun", "and {F} were best friends"]).format(**w.s)
    w.moral = w.rng.choice(["sharing makes friends happy", "being selfish can make you lonely", "it is better to play together"])
    setting(w)
    w.say("{Hhe} had {aCO} with {Hhim}.", "{H} was playing with {Hhis} {CO}.", "{H} brought {Hhis} new {CO}.")
    w.say("Then {F} came. \"Can I play with your {O}?\" {Fhe} asked.", "{F} saw the {O} and wanted to play with it too.",
          "{Hhis} friend {F} came over and asked, \"May I play with your {O}, please?\"")
    w.say("\"No, it is mine!\" said {H}.", "But {H} did not want to share.", "{H} held the {O} close and said, \"No!\"")
    w.say("{F} felt sad and walked away.", "{F} looked very sad.", "{F} sat alone on the grass.")
    w.para()
    if p.success:
        w.say("Soon {H} felt bad. Playing alone was not fun.", "After a while, {H} saw how sad {F} was.",
              "{Pa} saw this and said, \"It is nice to share, {H}.\"")
        w.say("{H} walked to {F} and gave {Fhim} the {O}.", "So {H} said, \"I am sorry. We can play with it together.\"",
              "{H} went to {F}. \"Here, you can play with my {O} too,\" {Hhe} said.")
        w.say("{F} smiled a big smile.", "{F} was so {hp}.", "\"Thank you!\" said {F}.")
        w.say("They played together all day and had lots of fun.", "Playing together was much more fun than playing alone.")
        w.para()
        ending(w, True)
        return "did not want to share {Hhis} {CO} with {F} at first, but then shared it and they played together".format(**w.s)
    w.say("{H} kept the {O} and played alone.", "{H} played with the {O} alone, but it was not fun.")
    w.say("Soon {Hhe} felt lonely.", "{Hhe} missed {Hhis} friend.")
    w.para()
    ending(w, False)
    return "would not share {Hhis} {CO} with {F}, so {Hhe} played alone and felt lonely".format(**w.s)


JOURNEYS = {  # goal: (obstacle, how it is passed, fail)
    "the top of the hill": ("the path was steep and {Hhe} was tired", "rested, then walked slowly step by step", "went back down"),
    "the other side of the river": ("the water was fast and deep", "found some big stones and hopped across", "stayed on this side"),
    "Grandma's house": ("a big tree had fallen across the road", "found another way around the tree", "went back home"),
    "the end of the rainbow": ("the rainbow kept moving away", "followed it to a field full of flowers", "watched it fade away"),
    "the old mill": ("the way went through a dark forest", "held hands and sang a song to be brave", "turned back"),
    "the big lake": ("a muddy field was in the way", "walked around the mud", "went back home"),
}


def plot_journey(w):
    p = w.p
    goal = w.rng.choice(list(JOURNEYS))
    obst, passed, fail = JOURNEYS[goal]
    w.s.update(G=goal, obst=obst.format(**w.s), passed=passed, fail=fail)
    w.lesson = w.rng.choice(["liked to go on adventures", "knew that {Hhe} could do hard things", "dreamed of the next adventure"]).format(**w.s)
    w.moral = w.rng.choice(["some trips are too long for one day", "it is fine to turn back when it is not safe", "there is always another day"])
    w.say("{time}, {H} wanted to go to {G}.", "{time}, {H} had a big plan. {Hhe} wanted to see {G}.",
          "{time}, {H} said, \"Today I will go to {G}!\"", time=p.time)
    w.say("{Hhe} asked {X} to come too.", "{X} said {Xhe} would go with {Hhim}.", "{Hhe} took {X} with {Hhim}.")
    w.say("They walked and walked.", "They walked past {sight}.", "On the way, they saw {sight}.")
    w.para()
    w.say("But then they stopped. {obst}.", "Soon there was a problem: {obst}.", "After a while, {obst}.")
    w.say("{H} felt {sd}.", "\"What do we do now?\" asked {H}.", "{H} did not know what to do.")
    if p.success:
        w.say("{Xname} had an idea.", "Then {H} had an idea.", "They thought for a moment.")
        w.say("They {passed}.", "So they {passed}.", "Carefully, they {passed}.")
        w.say("At last, they were at {G}!", "Soon they reached {G}.", "Finally, {H} could see {G}.")
        w.say("It was even better than {H} had dreamed.", "{H} jumped up and down. {Hhe} was so {hp}.", "They laughed and cheered.")
        w.para()
        ending(w, True)
        return "went with {Xname} to {G}, and they got there even though {obst}".format(**w.s)
    w.say("They tried, but it was too hard.", "They waited, but nothing changed.")
    w.say("So they {fail}.", "In the end, they {fail}.")
    w.para()
    ending(w, False)
    return "tried to go to {G} with {Xname}, but {obst}, so they {fail}".format(**w.s)


FEARS = {  # fear: (where, what the helper shows, the brave act)
    "the dark": (["house", "forest"], "a little light and a friendly moon", "slept with the light off"),
    "thunder": (["house", "farm", "town"], "that thunder is only a loud noise from the clouds", "watched the storm from the window"),
    "the big dog next door": (["town", "house", "park"], "that the dog only wanted to play", "patted the big dog"),
    "deep water": (["lake", "beach", "river"], "how to float", "swam in the water"),
    "the tall slide": (["playground", "park", "school"], "how to go down slowly", "went down the tall slide"),
    "bees": (["garden", "meadow", "farm"], "that bees are busy and do not want to sting", "walked past the bees"),
    "the new school": (["school", "town"], "a new friend", "went into the classroom with a smile"),
}


def plot_fear(w):
    p = w.p
    fits = [f for f, (places, _, _) in FEARS.items() if p.place in places]
    fear = w.rng.choice(fits or ["the dark"])
    _, shown, act = FEARS[fear]
    w.s.update(Fe=fear, shown=shown, act=act)
    w.lesson = w.rng.choice(["was not afraid of {Fe} anymore", "felt brave", "knew that {Hhe} could be brave"]).format(**w.s)
    w.moral = w.rng.choice(["it is fine to be scared", "being brave takes time", "you can ask for help when you are scared"])
    setting(w, go=w.rng.random() < 0.5)
    w.say("But {H} had a problem. {Hhe} was afraid of {Fe}.", "{H} was scared of {Fe}.", "There was one thing {H} did not like: {Fe}.")
    w.say("When {Hhe} thought about {Fe}, {Hhe} felt small and {sd}.", "\"I do not like {Fe},\" {H} said quietly.",
          "{Hhis} heart beat fast.")
    w.para()
    w.say("{X} sat next to {Hhim}.", "{X} saw that {H} was scared.", "{X} held {Hhis} hand.")
    w.say("\"Let me show you something,\" said {Xname}.", "\"I was scared too, once,\" said {Xname}.", "\"Do not worry,\" said {Xname}.")
    w.say("{Xhe} showed {H} {shown}.", "Then {Xname} showed {Hhim} {shown}.")
    if p.success:
        w.say("{H} took a deep breath.", "{H} thought about it for a moment.", "{H} felt a little better.")
        w.say("Then {Hhe} {act}!", "Slowly, {Hhe} {act}.", "And {H} {act}.")
        w.say("\"That was not so bad!\" said {H}.", "{H} felt brave and {hp}.", "{Xname} was proud of {Hhim}.")
        w.para()
        ending(w, True)
        return "was afraid of {Fe}, but {Xname} helped {Hhim} be brave and {Hhe} {act}".format(**w.s)
    w.say("{H} still felt scared.", "{H} tried, but {Hhe} was still afraid.")
    w.say("\"That is fine,\" said {Xname}. \"We can try again tomorrow.\"", "{Xname} gave {Hhim} a hug.")
    w.para()
    ending(w, False)
    return "was afraid of {Fe}, and even with help from {Xname} {Hhe} was not ready to be brave yet".format(**w.s)


PLOT_FUNCS = {"lost": plot_lost, "build": plot_build, "learn": plot_learn, "help": plot_help, "share": plot_share,
              "journey": plot_journey, "fear": plot_fear}


def render(p, rng):
    """(story text, outcome phrase for the summary)."""
    w = Writer(p, rng)
    opening(w)
    outcome = PLOT_FUNCS[p.plot](w)
    return w.text(), outcome


def summary(p, outcome, rng):
    """One sentence naming the main character and the outcome."""
    who = rng.choice([p.hero.name, f"{p.hero.name}, {article(p.hero.adj + ' ' + p.hero.kind)},"])
    s = f"{who} {outcome}."
    return cap(s)


# ---------------------------------------------------------------- dialogues

SMALL_TALK = {
    "weather": [("What is the weather like today?", ["It is sunny and warm.", "It is raining a lot.", "It is cold and windy.", "It is cloudy, but not cold."]),
                ("Do you like the rain?", ["Yes, I like to jump in the puddles.", "No, I like the sun more.", "A little. The rain helps the flowers grow."]),
                ("Will it snow this week?", ["I hope so! I want to make a snowman.", "I do not think so. It is too warm.", "Mom says it might snow on Friday."])],
    "food": [("What did you have for lunch?", ["I had a sandwich and an apple.", "I had soup and bread.", "I had rice with vegetables."]),
             ("What is your favorite food?", ["I love pizza.", "My favorite is pancakes with honey.", "I like apples and cheese.", "I like carrot soup."]),
             ("Do you want a cookie?", ["Yes, please! Thank you.", "No, thank you. I am full.", "Maybe later, after dinner."])],
    "pets": [("Do you have a pet?", ["Yes, I have a dog named {pet}.", "Yes, I have a cat called {pet}.", "Yes, a little bunny named {pet}.", "I have a bird. Its name is {pet}."]),
             ("What does your pet like to do?", ["{pet} likes to run in the garden.", "{pet} likes to sleep in the sun.", "{pet} likes to play with a ball."]),
             ("Can I come and see your pet?", ["Yes, come over after school.", "Sure! {pet} loves new friends.", "Yes, but {pet} is a little shy."])],
    "school": [("What did you learn at school today?", ["We learned about birds.", "We learned to count to one hundred.", "We read a story about a brave fox.", "We painted pictures of the sea."]),
               ("Who is your teacher?", ["My teacher is Mr. Brown. He is very kind.", "My teacher is Miss Green. She reads us stories.", "Mrs. White. She is funny."]),
               ("Do you like school?", ["Yes, I like to read and draw.", "I like the playground best.", "Most days. Math is hard for me."])],
    "games": [("Do you want to play a game?", ["Yes! Let us play tag.", "Sure, let us play hide and seek.", "Yes, can we play with my ball?"]),
              ("Who wants to go first?", ["You can go first.", "I will go first, then you.", "Let us count to three and see."]),
              ("That was fun. Can we play again?", ["Yes, one more time!", "Tomorrow. Now I have to go home.", "Sure, but this time I will win!"])],
    "weekend": [("What did you do on the weekend?", ["I went to the beach with my family.", "I visited my grandma.", "I played in the park all day.", "I helped my dad in the garden."]),
                ("Was it fun?", ["Yes, it was a lot of fun!", "It was fun, but I was very tired.", "Yes, we had ice cream too."]),
                ("What will you do next weekend?", ["I want to go to the zoo.", "I do not know yet. Maybe we can play together?", "We will go to the lake."])],
    "birthday": [("When is your birthday?", ["It is next week!", "It is in the summer.", "It is in May."]),
                 ("What do you want for your birthday?", ["I want a red bike.", "I want a big book about animals.", "I want a kite."]),
                 ("Will you have a party?", ["Yes, and you can come!", "Yes, with a big chocolate cake.", "Just a small one with my family."])],
}
GREETINGS = ["Hi {B}!", "Hello, {B}.", "Good morning, {B}!", "Hi {B}, how are you?", "Hey {B}!"]
GREET_BACK = ["Hi {A}! I am good, thank you.", "Hello, {A}! I am fine. How are you?", "Good morning! I am happy to see you.", "Hi {A}!"]
REACTIONS = ["That sounds fun!", "Wow, that is nice.", "Oh, I see.", "Me too!", "That is great!", "I did not know that.", "Really? Cool!"]
BYES = [("I have to go now. Bye, {B}!", "Bye, {A}! See you tomorrow."), ("See you later, {B}.", "See you, {A}!"),
        ("It was nice to talk to you.", "You too, {A}. Bye!"), ("Let us play again soon.", "Yes! Goodbye, {A}.")]


def small_talk(rng, a, b):
    """Two speakers (a opens) taking turns about one or two small-talk topics. Returns a list of (speaker, text)."""
    turns = []
    fill = {"A": a, "B": b, "pet": rng.choice(PET_NAMES)}
    turns.append((a, rng.choice(GREETINGS).format(**fill)))
    turns.append((b, rng.choice(GREET_BACK).format(**fill)))
    topics = rng.sample(list(SMALL_TALK), rng.randint(1, 2))
    for topic in topics:
        n = len(SMALL_TALK[topic])
        qas = [SMALL_TALK[topic][i] for i in sorted(rng.sample(range(n), rng.randint(2, n)))]   # keep their order
        for q, answers in qas:
            asker = a if turns[-1][0] == b else b
            other = b if asker == a else a
            turns.append((asker, q.format(**fill)))
            turns.append((other, rng.choice(answers).format(**fill)))
            if rng.random() < 0.4:
                turns.append((asker, rng.choice(REACTIONS)))
    bye, back = rng.choice(BYES)
    first = a if turns[-1][0] == b else b
    second = b if first == a else a
    turns.append((first, bye.format(A=second, B=second)))
    turns.append((second, back.format(A=first, B=first)))
    return turns


def story_talk(rng, a, b, p, outcome):
    """a tells b about the story of plan p, b asks questions."""
    h = p.hero
    fill = {"H": h.name, "he": h.he, "his": h.his, "him": h.him, "P": PLACES[p.place][0], "O": p.obj,
            "kind": article(f"{h.adj} {h.kind}")}
    turns = [(a, rng.choice(["Do you want to hear a story?", "I read a story today.", "Can I tell you a story?"])),
             (b, rng.choice(["Yes, please!", "Oh, what was it about?", "Sure, I love stories."]))]
    turns.append((a, rng.choice(["It is about {kind} named {H}.", "There is {kind} called {H}.", "It is about {H}, {kind}."]).format(**fill)))
    turns.append((b, rng.choice(["What happened to {H}?", "What did {he} do?", "Where did {he} go?"]).format(**fill)))
    turns.append((a, cap(f"{h.he} {outcome}.")))
    turns.append((b, rng.choice(["How did {he} feel?", "Was {he} happy in the end?", "That is a nice story. Why do you like it?"]).format(**fill)))
    turns.append((a, rng.choice(["{H} was happy in the end." if p.success else "{H} was a little sad, but {he} learned something.",
                                 "I like it because {H} does not give up." if p.success else "I like it because it is true. Not every day is perfect."]).format(**fill)))
    turns.append((b, rng.choice(["I like that story too.", "Thank you for telling me!", "Can you tell me another one tomorrow?"])))
    return turns


def speakers(rng):
    a = rng.choice(GIRLS + BOYS)
    b = rng.choice([n for n in GIRLS + BOYS if n != a])
    return a, b


def dialogue_text(turns):
    return "\n".join(f"{s}: {t}" for s, t in turns)


# ---------------------------------------------------------------- training documents and held-out items

STORY_REQUESTS = ["Write a short story about {kind} named {H}.", "Tell me a story about {H} and {O}.",
                  "Write a story for children about {H} at {P}.", "Tell a short story about {kind}."]
SUMMARY_REQUESTS = ["Summarize this story in one sentence: {S}", "What happens in this story? {S}",
                    "Write a one-sentence summary of this story: {S}"]


class Generator:
    """Seeded training documents. `exclude` is a set of plan keys (held-out eval stories) never produced."""

    def __init__(self, seed, exclude=(), exclude_texts=()):
        self.rng = random.Random(seed)
        self.exclude = set(exclude)
        self.exclude_texts = set(exclude_texts)

    def plan(self):
        while True:
            p = draw_plan(self.rng)
            if p.key() not in self.exclude:
                return p

    def story(self):
        text, _ = render(self.plan(), self.rng)
        return text

    def tldr(self):
        p = self.plan()
        text, outcome = render(p, self.rng)
        return f"{text}\n\nTL;DR: {summary(p, outcome, self.rng)}"

    def dialogue(self):
        while True:
            a, b = speakers(self.rng)
            if self.rng.random() < 0.35:
                p = self.plan()
                _, outcome = render(p, self.rng)
                text = dialogue_text(story_talk(self.rng, a, b, p, outcome))
            else:
                text = dialogue_text(small_talk(self.rng, a, b))
            if text not in self.exclude_texts:      # a held-out eval dialogue: draw again
                return text

    def chat(self):
        """A story request or a summary request in the chat template."""
        p = self.plan()
        text, outcome = render(p, self.rng)
        h = p.hero
        if self.rng.random() < 0.5:
            req = self.rng.choice(STORY_REQUESTS).format(kind=article(f"{h.adj} {h.kind}"), H=h.name,
                                                        O=f"{h.his} {p.color} {p.obj}", P=PLACES[p.place][0])
            return f"<|user|> {req}<|end|>\n<|assistant|> {text}<|end|>"
        req = self.rng.choice(SUMMARY_REQUESTS).format(S=text)
        return f"<|user|> {req}<|end|>\n<|assistant|> {summary(p, outcome, self.rng)}<|end|>"


def heldout(seed, n_stories=100, n_dialogues=100):
    """Held-out eval items: story openings (first paragraph), whole stories with their summary, dialogues cut
    after a turn (the next speaker is known). Returns (items dict, set of plan keys and set of dialogue texts to exclude from training)."""
    rng = random.Random(seed)
    stories, keys = [], set()
    while len(stories) < n_stories:
        p = draw_plan(rng)
        if p.key() in keys:
            continue
        keys.add(p.key())
        text, outcome = render(p, rng)
        opening_par = text.split("\n\n")[0]
        first_two = " ".join(re.split(r"(?<=[.!?]) ", opening_par)[:2])
        stories.append({"hero": p.hero.name, "plot": p.plot, "object": p.obj, "place": p.place, "success": p.success,
                        "opening": first_two, "story": text, "tldr": summary(p, outcome, rng)})
    dialogues = []
    for i in range(n_dialogues):
        a, b = speakers(rng)
        if i % 3 == 0:
            p = draw_plan(rng)
            keys.add(p.key())
            _, outcome = render(p, rng)
            turns = story_talk(rng, a, b, p, outcome)
        else:
            turns = small_talk(rng, a, b)
        cut = rng.randrange(2, len(turns) - 1)
        dialogues.append({"speakers": [a, b], "prompt": dialogue_text(turns[:cut]) + "\n",
                          "next_speaker": turns[cut][0], "next_turn": turns[cut][1], "full": dialogue_text(turns)})
    texts = {d["full"] for d in dialogues}
    return {"stories": stories, "dialogues": dialogues}, keys, texts


if __name__ == "__main__":
    g = Generator(1)
    print(g.story(), "\n---\n", g.tldr(), "\n---\n", g.dialogue(), "\n---\n", g.dialogue(), "\n---\n", g.chat())
