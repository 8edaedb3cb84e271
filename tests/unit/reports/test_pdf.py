"""WeasyPrint in a process started ahead, and its C libraries found in the linker's cache."""

import ctypes.util
import json
import subprocess
import sys
import textwrap

import pytest

from bettercare.reports.pdf import (
    PdfProcess,
    find_in_linker_cache,
    load_weasyprint,
    write_pdf,
)

# What WeasyPrint's text.ffi opens, by the name its list finds first on Linux.
WEASYPRINT_LIBRARIES = ("gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0")

HTML = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<style>@page { size: A4; @bottom-right { content: "Page " counter(page) } }
td { hyphens: auto; width: 3em }</style></head>
<body><h1>Highlight report</h1><table><tr><td>Non-elective admissions</td>
<td>1,234.5</td></tr></table></body></html>"""


# A process forks only while it runs one thread (a fork copies only the thread that calls
# it). The suite's process may hold others by now (the statistics' thread pool, say), so the
# forking cases run in a fresh interpreter, as the command line does.
FORKING = textwrap.dedent(
    """
    import os, signal, sys
    import pytest
    from bettercare.reports.pdf import PdfProcess, PdfProcessError, write_pdf

    html = sys.stdin.read()
    case = sys.argv[1]
    process = PdfProcess()
    assert process.pid > 0, "one thread: forked"
    if case == "writes":
        made = process(html)
        assert process.pid == 0  # the child has ended and been waited for
        assert made.startswith(b"%PDF")
        assert made == write_pdf(html)
    elif case == "never asked":
        child = process.pid
        process.close()
        assert process.pid == 0
        with pytest.raises(ChildProcessError):
            os.waitpid(child, os.WNOHANG)  # already waited for: no zombie left behind
        process.close()  # a second close does nothing
        assert process(html) == write_pdf(html)  # no child: written in this process
    elif case == "died":
        os.kill(process.pid, signal.SIGKILL)
        with pytest.raises(PdfProcessError, match="ended without an answer"):
            process(html)
        assert process.pid == 0
    print("checked", case)
    """
)


@pytest.mark.parametrize("case", ["writes", "never asked", "died"])
def test_a_pdf_process(case):
    """writes: the child writes the bytes this process writes; never asked: it is ended and
    the PDF is then written here; died: an error, not an empty PDF."""
    done = subprocess.run(
        [sys.executable, "-c", FORKING, case], input=HTML, capture_output=True, text=True
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"checked {case}"), done.stderr


def test_a_process_running_threads_writes_here_without_forking():
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        process = PdfProcess()
        assert process.pid == 0  # another thread is running: no fork
        assert process(HTML) == write_pdf(HTML)
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize("name", WEASYPRINT_LIBRARIES)
def test_the_linker_cache_finds_what_find_library_finds(name):
    assert find_in_linker_cache(name) == ctypes.util.find_library(name) is not None


def test_names_for_other_platforms_are_not_in_the_linker_cache():
    assert [find_in_linker_cache(name) for name in ("libgobject-2.0-0", "gobject-2.0-0")] == [
        None,
        None,
    ]


OPENED = textwrap.dedent(
    """
    import json, subprocess, sys
    started = []
    popen = subprocess.Popen.__init__
    def recording(self, args, *rest, **options):
        started.append(list(args))
        popen(self, args, *rest, **options)
    subprocess.Popen.__init__ = recording
    if sys.argv[1] == "ours":
        from bettercare.reports.pdf import load_weasyprint
        load_weasyprint()
    else:
        import weasyprint
    with open("/proc/self/maps") as maps:
        libraries = sorted({line.split()[-1] for line in maps if ".so" in line})
    print(json.dumps({"started": started, "libraries": libraries}))
    """
)


def _import_weasyprint(how):
    done = subprocess.run(
        [sys.executable, "-c", OPENED, how], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_weasyprint_opens_the_same_libraries_with_one_listing_and_no_compiler():
    ours, standard = _import_weasyprint("ours"), _import_weasyprint("standard")
    assert ours["started"] == [["/sbin/ldconfig", "-p"]]
    assert len(standard["started"]) > 10  # ldconfig for each name, then gcc and ld
    assert ours["libraries"] == standard["libraries"]
    assert any("libpango-1.0" in library for library in ours["libraries"])


def test_weasyprint_is_imported_once():
    assert load_weasyprint() is load_weasyprint() is sys.modules["weasyprint"]
