"""The engine's stages that run between matching and assessment (STYLE.md §3).

``context``: who speaks (the voice a rule judges) and what the words around a hit do.
"""
