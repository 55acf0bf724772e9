"""Reads one uploaded PDF in a process of its own, with hard limits, and says what it found.

Run by `college_portal.uploads.PdfValidator` as `python -I pdfcheck.py --cpu S --memory B`,
the PDF on stdin; prints one JSON line, e.g. {"verdict": "ok", "pages": 2}. Verdicts:
ok, broken, encrypted, active_content (scripts or actions that run by themselves),
attachments (embedded files), too_complex (a parsing limit was reached).

Why a process: pypdf is pure Python; a crafted file (72 cross-reference streams each inflating
to 74 MB took 16 s) must not hold a web worker. Here the kernel ends the work after `--cpu`
seconds of CPU and refuses memory above `--memory` bytes, and pypdf's own limits are set far
below its defaults: the streams a structural check decodes (cross-reference and object
streams) are a few kilobytes in real documents.

Imports only the standard library and pypdf (no Django): it starts in ~0.1 s."""

import argparse
import json
import re
import sys

# A single stream may inflate to at most this; all streams decoded in the check together to
# TOTAL_INFLATED. Content and image streams are never decoded here.
STREAM_INFLATED = 4 * 1024 * 1024
TOTAL_INFLATED = 32 * 1024 * 1024
MAX_OBJECTS = 50_000
MAX_NODES = 1_000_000  # dictionary entries and array items looked at, in all objects
MAX_PAGES = 2_000

# Action types that run something by themselves or reach outside the document.
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute", "/GoToE"}
# Keys that carry scripts, whatever the object: /JS (an action's script), /JavaScript (the
# document's name tree of scripts), /XFA (XML forms with their own scripts), /AA (actions on
# open, close, page view, field events).
SCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA", "/AA"}
ATTACHMENT_KEYS = {"/EmbeddedFiles", "/EF"}
# The same names as raw PDF syntax, for the inside of object streams (see scan_object_stream).
_DELIMITER = rb"(?=[\s/<>\[\]()%{}]|$)"
SCRIPT_NAMES = re.compile(
    rb"/(?:JS|JavaScript|XFA|AA|Launch|ImportData|RichMediaExecute|GoToE)" + _DELIMITER
)
ATTACHMENT_NAMES = re.compile(rb"/(?:EmbeddedFiles|EF|EmbeddedFile|FileAttachment)" + _DELIMITER)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class Verdict(Exception):
    def __init__(self, verdict):
        super().__init__(verdict)
        self.verdict = verdict


def set_process_limits(cpu_seconds, memory_bytes):
    try:
        import resource
    except ImportError:  # not on Linux: the caller's wall-clock timeout still applies
        return
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def limit_inflation(filters, LimitReachedError):
    """Count what FlateDecode inflates in the whole check, and remember a limit reached even
    where pypdf recovers from it (a lenient reader rebuilds a broken cross-reference table)."""
    state = {"left": TOTAL_INFLATED, "limit_reached": False}
    original = filters.decompress

    def decompress(data):
        try:
            result = original(data)
        except LimitReachedError:
            state["limit_reached"] = True
            raise
        state["left"] -= len(result)
        if state["left"] < 0:
            state["limit_reached"] = True
            raise LimitReachedError("total inflated size of the check reached")
        return result

    filters.decompress = decompress
    return state


def scan_object_stream(stream):
    """An object stream's objects as PDF syntax, for the names above (a name may be written
    with #xx escapes, /J#53 for /JS). The objects the cross-reference lists are inspected one
    by one as well; this also finds the ones it does not list, which a lenient reader that
    rebuilds a broken cross-reference table would miss."""
    data = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), stream.get_data())
    if SCRIPT_NAMES.search(data):
        raise Verdict("active_content")
    if ATTACHMENT_NAMES.search(data):
        raise Verdict("attachments")


def inspect_object(root, budget, resolve):
    """Raise a Verdict if the object, or anything directly inside it, carries scripts,
    actions that run by themselves or attached files. Indirect objects are not followed:
    every one of them is inspected on its own."""
    from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, DictionaryObject):
            budget["nodes"] -= len(node)
            if isinstance(node, StreamObject) and resolve(node.get("/Type")) == "/ObjStm":
                scan_object_stream(node)
            keys = set(node.keys())
            if keys & SCRIPT_KEYS:
                raise Verdict("active_content")
            if keys & ATTACHMENT_KEYS or resolve(node.get("/Type")) == "/EmbeddedFile":
                raise Verdict("attachments")
            if resolve(node.get("/Subtype")) == "/FileAttachment":
                raise Verdict("attachments")
            if resolve(node.get("/S")) in ACTIVE_ACTIONS:
                raise Verdict("active_content")
            if "/OpenAction" in keys:
                action = resolve(node["/OpenAction"])
                # A destination ([page /Fit]) or a go-to action only opens at a page.
                if isinstance(action, DictionaryObject) and resolve(action.get("/S")) != "/GoTo":
                    raise Verdict("active_content")
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            budget["nodes"] -= len(node)
            stack.extend(node)
        if budget["nodes"] < 0:
            raise Verdict("too_complex")


def check(data):
    """The verdict on `data` and its page count (0 unless ok)."""
    import io

    import pypdf
    from pypdf import filters
    from pypdf.errors import LimitReachedError
    from pypdf.generic import IndirectObject

    state = limit_inflation(filters, LimitReachedError)
    limits = {
        "maximum_declared_stream_length": 16 * 1024 * 1024,
        "array_based_stream_maximum_output_length": STREAM_INFLATED,
        "array_maximum_element_count": 100_000,
        "dictionary_maximum_element_count": 10_000,
        "jbig2_maximum_output_length": STREAM_INFLATED,
        "lzw_maximum_output_length": STREAM_INFLATED,
        "run_length_maximum_output_length": STREAM_INFLATED,
        "zlib_maximum_output_length": STREAM_INFLATED,
        "zlib_maximum_recovery_input_length": 1024 * 1024,
        "brotli_maximum_output_length": STREAM_INFLATED,
        "image_maximum_buffer_size": STREAM_INFLATED,
        "xmp_maximum_input_length": 1024 * 1024,
        "page_tree_maximum_entries": MAX_PAGES * 2,
        "page_tree_maximum_depth": 32,
        "jbig2dec_binary": None,  # never start another program
        "disable_legacy_handling": True,
    }
    with pypdf.apply_configuration(**limits):
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), xref_stream_maximum_entries=MAX_OBJECTS)
            if reader.is_encrypted:
                raise Verdict("encrypted")
            pages = len(reader.pages)
            if state["limit_reached"]:
                raise Verdict("too_complex")
            if not 1 <= pages <= MAX_PAGES:
                raise Verdict("broken" if pages == 0 else "too_complex")
            numbers = {(n, 0) for n in reader.xref_objStm}
            for generation, table in reader.xref.items():
                numbers.update((n, generation) for n in table)
            if len(numbers) > MAX_OBJECTS:
                raise Verdict("too_complex")
            budget = {"nodes": MAX_NODES}

            def resolve(value):
                return value.get_object() if isinstance(value, IndirectObject) else value

            inspect_object(reader.trailer, budget, resolve)
            for number, generation in sorted(numbers):
                found = reader.get_object(IndirectObject(number, generation, reader))
                inspect_object(found, budget, resolve)
            if state["limit_reached"]:
                raise Verdict("too_complex")
        except Verdict:
            raise
        except (LimitReachedError, MemoryError, RecursionError):
            raise Verdict("too_complex") from None
        except Exception:
            raise Verdict("too_complex" if state["limit_reached"] else "broken") from None
    return "ok", pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cpu", type=int, required=True, help="seconds of CPU time")
    parser.add_argument("--memory", type=int, required=True, help="bytes of address space")
    arguments = parser.parse_args()
    set_process_limits(arguments.cpu, arguments.memory)
    data = sys.stdin.buffer.read()
    import logging

    logging.disable(logging.WARNING)  # pypdf warns about every oddity of real-world files
    try:
        verdict, pages = check(data)
    except Verdict as found:
        verdict, pages = found.verdict, 0
    sys.stdout.write(json.dumps({"verdict": verdict, "pages": pages}) + "\n")


if __name__ == "__main__":
    main()
