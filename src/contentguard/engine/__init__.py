"""The engine's stages that run between matching and assessment (STYLE.md §3).

``context``: who speaks (the voice a rule judges) and what the words around a hit do.
``kinds/``: one module per rule kind; ``kinds/model.py`` scores learned classifiers a batch at a time.
"""
