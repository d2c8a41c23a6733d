"""The engine's stages (STYLE.md §3).

``context``: who speaks (the voice a rule judges) and what the words around a hit do.
``kinds/``: one module per rule kind; ``kinds/model.py`` scores learned classifiers a batch at a time.
``views``: the obfuscation views of lexicon terms (pinyin, homophones, look-alikes), compiled once.
``compilecache``: what compiling a ruleset works out (pattern checks, gates, view spellings), kept as JSON
between processes; ``lazyregex``: patterns compiled on first use. Both serve cold start (issue #13).
"""
