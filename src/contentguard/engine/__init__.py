"""The engine's stages (STYLE.md §3).

``context``: who speaks (the voice a rule judges) and what the words around a hit do.
``kinds/``: one module per rule kind; ``kinds/model.py`` scores learned classifiers a batch at a time.
``views``: the obfuscation views of lexicon terms (pinyin, homophones, look-alikes), compiled once.
"""
