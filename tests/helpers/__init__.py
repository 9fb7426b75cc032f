"""What the tests share: builders, readers and the suite's fixed settings.

Fixtures stay in ``tests/conftest.py``; everything a test module imports lives here.
"""
