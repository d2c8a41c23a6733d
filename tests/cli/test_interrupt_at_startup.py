"""Ctrl-C while the `contentguard` command is still importing: one line and exit 130, no traceback (issue 12).

The window is the half second of imports before the command's own handler exists; a SIGINT sent by the
process to itself right after `import contentguard`, with argv[0] named like the console script, lands in
exactly that state, so the test does not depend on timing.
"""

from __future__ import annotations

import subprocess
import sys

# A shell gives a foreground command Python's own SIGINT handling; a CI runner may start the tests with SIGINT
# ignored (inherited by children), which the package rightly leaves alone, so the child restores it first.
_SCRIPT = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.argv[0] = "/usr/local/bin/{name}"
import contentguard
os.kill(os.getpid(), signal.SIGINT)
time.sleep(30)
print("still running")
"""


def _run(name: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _SCRIPT.format(name=name)], capture_output=True, text=True,
                          timeout=60)


def test_ctrl_c_while_the_command_starts_is_one_line_and_130():
    result = _run("contentguard")
    assert result.returncode == 130
    assert result.stderr == "contentguard: interrupted\n"
    assert "still running" not in result.stdout


def test_an_ignored_sigint_stays_ignored():
    code = _SCRIPT.replace("signal.default_int_handler)", "signal.SIG_IGN)").format(name="contentguard")
    code = code.replace("time.sleep(30)", "time.sleep(0.5)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout == "still running\n"


def test_a_program_importing_the_library_keeps_pythons_own_handler():
    result = _run("my-app")
    assert result.returncode != 130
    assert "KeyboardInterrupt" in result.stderr


def test_the_command_replaces_the_startup_handler_with_its_own():
    code = ("import sys, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "sys.argv[0] = 'contentguard'; import contentguard; "
            "print(signal.getsignal(signal.SIGINT).__name__); "
            "from contentguard.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(signal.getsignal(signal.SIGINT).__qualname__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "_interrupted_while_starting"
    assert lines[-1] == "_on_interrupt.<locals>.handler"
